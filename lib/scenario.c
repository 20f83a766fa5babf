/* scenario.c - placeholder; being written. */
typedef int kc_placeholder_scenario;
