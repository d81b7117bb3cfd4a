/* fuota fragments: writes the TS004 coded fragment stream of an image. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/opts.h"
#include "cli/outfile.h"
#include "cli/util.h"
#include "core/fec.h"

static const char *const cmd = "fragments";

static const char *const usage =
    "Usage: fuota fragments --image FILE --fragment-size S\n"
    "                       (--redundancy N | --redundancy-percent P)\n"
    "                       [--format hex|bin|frames] [--frag-index I]\n"
    "                       [--codec v1|v2] [--output FILE]\n"
    "\n"
    "Writes the LoRaWAN TS004 (fragmented data block transport) coded\n"
    "fragment stream of an image: the M = ceil(size / S) uncoded fragments,\n"
    "the last one padded with zeros, then the redundancy fragments, exactly\n"
    "as AWS IoT Core for LoRaWAN and the reference encoders send them. Use it\n"
    "to test a device's decoder. The FragSessionSetupReq figures (NbFrag,\n"
    "FragSize, Padding) go to stderr.\n"
    "\n"
    "Options:\n"
    "  --image FILE              the firmware image ('-' reads stdin)\n"
    "  --fragment-size S         fragment payload size, 1..255 bytes\n"
    "  --redundancy N            N redundancy fragments\n"
    "  --redundancy-percent P    ceil(M * P / 100) redundancy fragments,\n"
    "                            P 0..100 (AWS RedundancyPercent)\n"
    "  --format hex              'N HEX' a line: fragment number (1-based)\n"
    "                            and lowercase hex payload (default)\n"
    "  --format bin              the payloads back to back, raw bytes\n"
    "  --format frames           full FPort 201 DataFragment frames in hex,\n"
    "                            one a line: 08 | IndexAndN (LE) | payload\n"
    "  --frag-index I            fragmentation session 0..3 (frames; 0)\n"
    "  --codec v1|v2             v1: TS004-1.0.0 (default); v2: the\n"
    "                            TS004-2.0.0 reading (see the guide)\n"
    "  -o, --output FILE         write the stream to FILE instead of stdout:\n"
    "                            whole or not at all (a temporary file in\n"
    "                            its folder, renamed once complete; an\n"
    "                            interrupt leaves an older FILE as it was)\n"
    "  -h, --help                show this help\n"
    "\n"
    "At most 16383 fragments in all (uncoded + redundancy).\n"
    "Exit status: 0 ok, 2 usage error, unusable image, or output that could\n"
    "not be written (one message with the reason; no FILE half-written).\n";

enum format { FORMAT_HEX, FORMAT_BIN, FORMAT_FRAMES };

struct frag_args {
    const char *image;
    long long frag_size;
    long long redundancy;
    long long percent;
    enum format format;
    long long frag_index;
    enum fec_codec codec;
    const char *output;
};

static bool parse_format(const char *text, enum format *out)
{
    static const struct {
        const char *name;
        enum format format;
    } formats[] = {
        { "hex", FORMAT_HEX },
        { "bin", FORMAT_BIN },
        { "frames", FORMAT_FRAMES },
    };
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(text, formats[i].name) == 0) {
            *out = formats[i].format;
            return true;
        }
    }
    return false;
}

/* Returns -1 when the arguments are usable, else the exit status (after
 * the usage, or after saying why and pointing at --help). */
static int parse_args(int argc, char **argv, struct frag_args *a)
{
    memset(a, 0, sizeof(*a));
    a->frag_size = -1;
    a->redundancy = -1;
    a->percent = -1;
    a->format = FORMAT_HEX;
    a->codec = FEC_CODEC_V1;
    const char *format = NULL, *codec = NULL;
    const struct opts_spec specs[] = {
        { .name = "--image", .kind = OPTS_STRING, .string = &a->image },
        { .name = "--fragment-size",
          .kind = OPTS_INT,
          .integer = &a->frag_size,
          .imin = 1,
          .imax = FEC_FRAG_SIZE_MAX },
        { .name = "--redundancy",
          .kind = OPTS_INT,
          .integer = &a->redundancy,
          .imax = FEC_FRAGMENTS_MAX - 1 },
        { .name = "--redundancy-percent",
          .kind = OPTS_INT,
          .integer = &a->percent,
          .imax = 100 },
        { .name = "--format", .kind = OPTS_STRING, .string = &format },
        { .name = "--frag-index",
          .kind = OPTS_INT,
          .integer = &a->frag_index,
          .imax = FEC_FRAG_INDEX_MAX },
        { .name = "--codec", .kind = OPTS_STRING, .string = &codec },
        { .name = "--output",
          .short_name = 'o',
          .kind = OPTS_STRING,
          .string = &a->output },
    };
    const struct opts_cmd line = {
        .cmd = cmd,
        .usage = usage,
    };
    enum opts_status st =
        opts_parse(&line, specs, OPTS_COUNT(specs), argc, argv, NULL);
    if (st != OPTS_OK)
        return opts_exit_status(st);
    if (format && !parse_format(format, &a->format)) {
        cli_error(cmd, "--format: unknown format '%s' (hex, bin or frames)",
                  format);
        return cli_usage_error(cmd);
    }
    if (codec && !fec_codec_parse(codec, &a->codec)) {
        cli_error(cmd, "--codec: unknown codec '%s' (v1 or v2)", codec);
        return cli_usage_error(cmd);
    }
    if (!a->image) {
        cli_error(cmd, "--image FILE is required");
        return cli_usage_error(cmd);
    }
    if (a->frag_size < 0) {
        cli_error(cmd, "--fragment-size S is required");
        return cli_usage_error(cmd);
    }
    if (a->redundancy >= 0 && a->percent >= 0) {
        cli_error(cmd, "give either --redundancy or --redundancy-percent, "
                       "not both");
        return cli_usage_error(cmd);
    }
    if (a->redundancy < 0 && a->percent < 0) {
        cli_error(cmd, "one of --redundancy N or --redundancy-percent P is "
                       "required");
        return cli_usage_error(cmd);
    }
    return -1;
}

static void put_hex(FILE *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        putc(digits[p[i] >> 4], out);
        putc(digits[p[i] & 15], out);
    }
}

static void write_stream(FILE *out, const struct frag_args *a,
                         const uint8_t *stream, uint32_t total, uint32_t s)
{
    for (uint32_t n = 1; n <= total; n++) {
        const uint8_t *p = stream + (size_t)(n - 1) * s;
        switch (a->format) {
        case FORMAT_HEX:
            fprintf(out, "%u ", n);
            put_hex(out, p, s);
            putc('\n', out);
            break;
        case FORMAT_BIN:
            fwrite(p, 1, s, out);
            break;
        case FORMAT_FRAMES: {
            uint8_t hdr[FEC_FRAME_HEADER];
            fec_frame_header(n, (uint32_t)a->frag_index, hdr);
            put_hex(out, hdr, sizeof(hdr));
            put_hex(out, p, s);
            putc('\n', out);
            break;
        }
        }
    }
}

/* Codes the image of A->image into *stream (caller frees); prints the
 * FragSessionSetupReq figures. Returns EXIT_OK, or EXIT_USAGE after the
 * message. */
static int encode(const struct frag_args *a, uint8_t **stream, uint32_t *total)
{
    size_t len = 0;
    char *data = cli_read_file(cmd, a->image, CLI_MAX_FILE, &len);
    if (!data)
        return EXIT_USAGE;
    const char *name = cli_path_name(a->image);
    const uint8_t *image = (const uint8_t *)data;
    uint32_t s = (uint32_t)a->frag_size;
    if (len == 0) {
        cli_error(cmd, "%s: the image is empty", name);
        free(data);
        return EXIT_USAGE;
    }
    /* R from the real M, in 64 bits: the message below must show the
     * figures the session would have, not ones capped at the limit. */
    uint64_t m = fec_uncoded_fragments(len, s);
    uint64_t r = a->redundancy >= 0
                     ? (uint64_t)a->redundancy
                     : fec_redundancy_ceil(m, (uint32_t)a->percent);
    struct fec_session ses;
    enum fec_status st = r > FEC_FRAGMENTS_MAX
                             ? FEC_ERR_TOO_MANY_FRAGMENTS
                             : fec_session_plan(len, s, (uint32_t)r, &ses);
    if (st == FEC_ERR_TOO_MANY_FRAGMENTS) {
        cli_error(cmd,
                  "%s: %zu bytes at %u-byte fragments make %" PRIu64
                  " uncoded + %" PRIu64 " redundancy = %" PRIu64
                  " fragments, over the TS004 limit of %u; "
                  "use larger fragments or less redundancy",
                  name, len, s, m, r, m + r, FEC_FRAGMENTS_MAX);
        free(data);
        return EXIT_USAGE;
    }
    struct fec_matrix *mx = NULL;
    if (st == FEC_OK)
        st = fec_matrix_new(ses.nb_frag, ses.redundancy, a->codec, &mx);
    *total = ses.nb_frag + ses.redundancy;
    size_t size = (size_t)*total * s;
    *stream = st == FEC_OK ? malloc(size) : NULL;
    if (st == FEC_OK && !*stream)
        st = FEC_ERR_NOMEM;
    if (st == FEC_OK)
        st = fec_encode(mx, image, len, s, *stream, size);
    fec_matrix_free(mx);
    free(data);
    if (st != FEC_OK) {
        cli_error(cmd, "%s: %s", name, fec_status_message(st));
        free(*stream);
        *stream = NULL;
        return EXIT_USAGE;
    }
    fprintf(stderr,
            "FragSessionSetupReq: FragIndex=%lld NbFrag=%u FragSize=%u "
            "Padding=%u\n",
            a->frag_index, ses.nb_frag, ses.frag_size, ses.padding);
    fprintf(stderr,
            "image %zu bytes: %u uncoded + %u redundancy = %u fragments, "
            "codec %s\n",
            len, ses.nb_frag, ses.redundancy, *total, fec_codec_name(a->codec));
    return EXIT_OK;
}

int cmd_fragments(int argc, char **argv)
{
    struct frag_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    /* The output first: a path that cannot be written is found before the
     * image is read (which may be a slow pipe). */
    struct outfile out = { .fd = -1, .slot = -1 };
    if (a.output && !outfile_open(&out, cmd, "--output", a.output))
        return EXIT_USAGE;
    uint8_t *stream = NULL;
    uint32_t total = 0;
    rc = encode(&a, &stream, &total);
    if (rc == EXIT_OK) {
        write_stream(a.output ? out.f : stdout, &a, stream, total,
                     (uint32_t)a.frag_size);
        bool written =
            a.output ? outfile_commit(&out) : outfile_stdout_flush(cmd);
        rc = written ? EXIT_OK : EXIT_USAGE;
    }
    outfile_abort(&out);
    free(stream);
    return rc;
}
