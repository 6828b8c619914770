// SPDX-License-Identifier: GPL-2.0

/*
 * Helpers for the execns(2) and uid table Rust code: the static inline
 * functions and macros of credentials, user namespaces, nsproxy and
 * IRQ-saving spinlocks it needs.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/nsproxy.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>

unsigned long rust_helper_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void rust_helper_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

const struct cred *rust_helper_get_cred(const struct cred *cred)
{
	return get_cred(cred);
}

void rust_helper_put_cred(const struct cred *cred)
{
	put_cred(cred);
}

struct user_namespace *rust_helper_get_user_ns(struct user_namespace *ns)
{
	return get_user_ns(ns);
}

void rust_helper_put_user_ns(struct user_namespace *ns)
{
	put_user_ns(ns);
}

void rust_helper_put_nsproxy(struct nsproxy *ns)
{
	put_nsproxy(ns);
}

/*
 * Debian's kernel.unprivileged_userns_clone sysctl (kernel/user_namespace.c,
 * not upstream): when it is 0, creating a user namespace needs
 * CAP_SYS_ADMIN, in unshare(2) and so in execns(2) too. Weak, so that the
 * helper also links on a tree without that patch.
 */
extern int unprivileged_userns_clone __weak;

bool rust_helper_userns_clone_allowed(void)
{
	if (&unprivileged_userns_clone && !unprivileged_userns_clone)
		return capable(CAP_SYS_ADMIN);
	return true;
}
