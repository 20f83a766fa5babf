/* compiler.h - function attributes the hot paths ask for, where the compiler
 * has them (GCC and Clang); elsewhere they are plain functions. */
#ifndef KC_COMPILER_H
#define KC_COMPILER_H

#if defined(__GNUC__) || defined(__clang__)
#define KC_NOINLINE __attribute__((noinline))
#define KC_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define KC_NOINLINE
#define KC_ALWAYS_INLINE inline
#endif

#endif
