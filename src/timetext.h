/* Times as a person reads them in a table: absolute ("2026-12-06 14:03",
 * local time) or relative to now ("3h ago", "in 1h 05m"). Pure but for
 * the local time zone. */
#ifndef SESAME_TIMETEXT_H
#define SESAME_TIMETEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_TEXT_MAX 40

/* "YYYY-MM-DD HH:MM" in the local zone into buf (TIME_TEXT_MAX bytes);
 * false (buf "") when ms is unknown (<= 0) or cannot be shown. */
bool time_text_local(int64_t ms, char *buf);

/* at seen from now into buf (TIME_TEXT_MAX bytes): in the future "in "
 * and the countdown as format_duration writes it ("in 1h 05m", "in 12m
 * 05s"); in the past one rounded-down unit ("12m ago", "3h ago", "40d
 * ago", "2y ago"), "just now" under a minute. */
void time_text_relative(int64_t at, int64_t now, char *buf);

#endif
