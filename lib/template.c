/* template.c - placeholder; being written. */
typedef int kc_placeholder_template;
