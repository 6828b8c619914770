// SPDX-License-Identifier: GPL-2.0
/*
 * execns(2): who may create a user namespace, as for unshare(2).
 *
 * Debian's kernel.unprivileged_userns_clone sysctl (kernel/user_namespace.c,
 * not upstream): when it is 0, creating a user namespace needs
 * CAP_SYS_ADMIN, in unshare(2) and so in execns(2) too. Weak, so that this
 * also links on a tree without that patch, where everyone may.
 */

#include <linux/capability.h>
#include <linux/execns.h>

extern int unprivileged_userns_clone __weak;

bool execns_userns_allowed(void)
{
	if (&unprivileged_userns_clone && !unprivileged_userns_clone)
		return capable(CAP_SYS_ADMIN);
	return true;
}
