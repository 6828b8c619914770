// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/execns/: how userspace finds execns(2) and execns2(2).
 *
 * The number of execns is not reserved upstream (463 is setxattrat(2) from
 * Linux 6.13 on), so userspace must not guess it: it reads it here, and a
 * kernel without this directory does not have execns.
 * See Documentation/ABI/testing/sysfs-kernel-execns.
 */
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <asm/unistd.h>

static ssize_t nr_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%d\n", __NR_execns);
}

static struct kobj_attribute nr_attr = __ATTR_RO(nr);

static ssize_t execns2_nr_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", __NR_execns2);
}

static struct kobj_attribute execns2_nr_attr = __ATTR_RO(execns2_nr);

#if defined(CONFIG_IA32_EMULATION) && defined(__NR_ia32_execns)
/* The number for 32-bit (i386) programs on this 64-bit kernel. */
static ssize_t compat_nr_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", __NR_ia32_execns);
}

static struct kobj_attribute compat_nr_attr = __ATTR_RO(compat_nr);
#endif

#if defined(CONFIG_IA32_EMULATION) && defined(__NR_ia32_execns2)
static ssize_t execns2_compat_nr_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", __NR_ia32_execns2);
}

static struct kobj_attribute execns2_compat_nr_attr =
	__ATTR_RO(execns2_compat_nr);
#endif

static struct attribute *execns_attrs[] = {
	&nr_attr.attr,
	&execns2_nr_attr.attr,
#if defined(CONFIG_IA32_EMULATION) && defined(__NR_ia32_execns)
	&compat_nr_attr.attr,
#endif
#if defined(CONFIG_IA32_EMULATION) && defined(__NR_ia32_execns2)
	&execns2_compat_nr_attr.attr,
#endif
	NULL,
};

static const struct attribute_group execns_attr_group = {
	.attrs = execns_attrs,
};

static int __init execns_sysfs_init(void)
{
	struct kobject *kobj;
	int err;

	kobj = kobject_create_and_add("execns", kernel_kobj);
	if (!kobj)
		return -ENOMEM;
	err = sysfs_create_group(kobj, &execns_attr_group);
	if (err)
		kobject_put(kobj);
	return err;
}
subsys_initcall(execns_sysfs_init);
