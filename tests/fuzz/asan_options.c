// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Sanitizer defaults linked into the ASan builds of the test suites
 * (build/asan/), so that they hold however a suite is run: by make
 * check-asan, make check or by hand. ASAN_OPTIONS and UBSAN_OPTIONS in the
 * environment still override them. Exit status 86: a sanitizer finding,
 * never a test's own failure.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=1:detect_stack_use_after_return=1:exitcode=86";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}
