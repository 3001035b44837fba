/* Rows of text as CSV (RFC 4180) or TSV, for `sesame sessions --format
 * csv|tsv` and the dashboard's export: values in full, never cut, made
 * safe for a terminal and for a spreadsheet. */
#ifndef SESAME_DELIMITED_H
#define SESAME_DELIMITED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum delimited_format { DELIMITED_CSV, DELIMITED_TSV };

/* One record of n fields (raw text; NULL is an empty field) and its line
 * end. Every field is sanitised (sanitize_text: no escape sequence,
 * control character or broken UTF-8 gets out) except that its tabs, line
 * feeds and carriage returns are kept as data:
 *   CSV: in a quoted field ("a ""b"""; a field is quoted when it holds a
 *        comma, a quote, a tab or a line break); a field that begins with
 *        = + - or @ gets a ' before it, so that a spreadsheet does not run
 *        it as a formula; CRLF ends the record (RFC 4180);
 *   TSV: written \t, \n, \r (and a backslash \\); LF ends the record.
 * False if writing failed. */
bool delimited_write_row(FILE *out, enum delimited_format format, const char *const *fields,
                         size_t n);

/* The field as it is written (without separator), owned: for tests. */
char *delimited_field(enum delimited_format format, const char *raw);

#endif
