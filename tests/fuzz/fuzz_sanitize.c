/* libFuzzer target: the text guards of src/util.c.
 *
 * sanitize_text: the output is valid UTF-8 with no ESC, no C0 control, no
 * DEL and no C1 control (U+0080-U+009F), at most 3 bytes per input byte;
 * sanitising twice changes nothing; text that is already safe comes back
 * unchanged.
 * escape_preview: printable ASCII only, bounded by 4 bytes per byte shown.
 * format_duration: always a NUL-terminated string that fits. */
#include "fuzz_common.h"

#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

static void check_sanitize(const char *in)
{
    char *out = sanitize_text(in);
    FZ_ASSERT(out, "sanitize_text never returns NULL");
    fz_check_text("sanitize_text output", out);
    FZ_ASSERT(strlen(out) <= 3 * strlen(in), "at most 3 bytes out per byte in");
    char *again = sanitize_text(out);
    if (strcmp(again, out) != 0)
        fz_fail("sanitize_text is not idempotent");
    if (!fz_text_problem(in) && strcmp(in, out) != 0)
        fz_fail("sanitize_text changed text that was already safe");
    free(again);
    free(out);
}

static void check_preview(const uint8_t *data, size_t size, size_t max)
{
    char *p = escape_preview((const char *)data, size, max);
    size_t shown = size < max ? size : max;
    size_t n = strlen(p);
    FZ_ASSERT(n <= 4 * shown + 3, "escape_preview output is bounded");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
            fz_fail("escape_preview output holds byte 0x%02x", (unsigned char)p[i]);
    if (size > max)
        FZ_ASSERT(n >= 3 && strcmp(p + n - 3, "...") == 0, "a cut preview ends in ...");
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fz_cstr(data, size);
    check_sanitize(s);
    free(s);
    /* every suffix after a NUL too: bodies carry NULs, strings stop there */
    for (size_t i = 0; i < size; i++) {
        if (data[i] == 0 && i + 1 < size) {
            char *rest = fz_cstr(data + i + 1, size - i - 1);
            check_sanitize(rest);
            free(rest);
            break;
        }
    }

    size_t max = size ? data[0] : 0;
    check_preview(data, size, max);
    check_preview(data, size, 60);
    check_preview(data, size, 0);

    if (size >= 8) {
        int64_t ms;
        memcpy(&ms, data, sizeof ms);
        char buf[32];
        memset(buf, 'x', sizeof buf);
        format_duration(ms, buf, sizeof buf);
        FZ_ASSERT(memchr(buf, '\0', sizeof buf), "format_duration terminates its string");
        fz_check_text("format_duration", buf);
    }
    return 0;
}
