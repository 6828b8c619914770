// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the per-user-namespace uid tables.
 *
 * The tests are Rust functions of kernel/execns/uid_table.rs (mod tests):
 * Linux 6.12 runs Rust doctests of the kernel crate only, and has no
 * #[kunit_tests], so each case here calls one of them. A failed check
 * fails the case through KUnit with its line in uid_table.rs; a step that
 * returns an error makes the function return it.
 */
#include <kunit/test.h>
#include <linux/uid_table.h>

static void uid_table_find_alloc(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, uid_table_test_find_alloc(), 0);
}

static void uid_table_two_tables(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, uid_table_test_two_tables(), 0);
}

static void uid_table_growth(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, uid_table_test_growth(), 0);
}

static void uid_table_migration(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, uid_table_test_migration(), 0);
}

static struct kunit_case uid_table_test_cases[] = {
	KUNIT_CASE(uid_table_find_alloc),
	KUNIT_CASE(uid_table_two_tables),
	KUNIT_CASE(uid_table_growth),
	KUNIT_CASE(uid_table_migration),
	{}
};

static struct kunit_suite uid_table_test_suite = {
	.name = "execns_uid_table",
	.test_cases = uid_table_test_cases,
};

kunit_test_suite(uid_table_test_suite);
