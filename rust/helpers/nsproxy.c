// SPDX-License-Identifier: GPL-2.0

#include <linux/nsproxy.h>

void rust_helper_get_nsproxy(struct nsproxy *ns)
{
	get_nsproxy(ns);
}

void rust_helper_put_nsproxy(struct nsproxy *ns)
{
	put_nsproxy(ns);
}
