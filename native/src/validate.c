/* Validation of a blob before it runs: the child must never chase a bad offset. */
#include <errno.h>
#include <string.h>

#include "program.h"

static int in_bounds(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

static int valid_arena_string(const struct gc_header *h, const uint8_t *blob, uint32_t off)
{
	if (off >= h->arena_len)
		return 0;
	return memchr(blob + h->arena_off + off, 0, h->arena_len - off) != NULL;
}

static int valid_arg(const struct gc_header *h, const struct gc_arg *a, uint32_t index)
{
	switch (a->kind) {
	case GC_ARG_IMM:
	case GC_ARG_SYNC_FD:
		return 1;
	case GC_ARG_PTR:
		return a->value >= 0 && (uint64_t)a->value <= h->arena_len;
	case GC_ARG_REF:
		return a->value >= 0 && (uint64_t)a->value < index;
	default:
		return 0;
	}
}

int gc_validate(const uint8_t *blob, size_t len)
{
	struct gc_header h;

	if (len < sizeof(h))
		return ENOEXEC;
	memcpy(&h, blob, sizeof(h));
	if (h.magic != GC_MAGIC || h.version != GC_VERSION || h.total_len != len)
		return ENOEXEC;
	if (h.arch != GC_ARCH)
		return ENOEXEC;
	if (h.fd_count > GC_MAX_FDS)
		return E2BIG;
	if ((h.ops_off | h.fds_off | h.reloc_off | h.results_off | h.arena_off) & 7)
		return ENOEXEC;
	if (!in_bounds(h.ops_off, (uint64_t)h.op_count * GC_OP_SIZE, len) ||
	    !in_bounds(h.fds_off, (uint64_t)h.fd_count * sizeof(struct gc_fd), len) ||
	    !in_bounds(h.reloc_off, (uint64_t)h.reloc_count * 4, len) ||
	    !in_bounds(h.results_off, (uint64_t)h.op_count * 8, len) ||
	    !in_bounds(h.arena_off, h.arena_len, len))
		return ENOEXEC;

	for (uint32_t i = 0; i < h.reloc_count; i++) {
		uint32_t slot;
		memcpy(&slot, blob + h.reloc_off + 4 * i, 4);
		if ((slot & 7) || !in_bounds(slot, 8, h.arena_len))
			return ENOEXEC;
	}

	for (uint32_t i = 0; i < h.op_count; i++) {
		struct gc_op op;
		memcpy(&op, blob + h.ops_off + (uint64_t)i * GC_OP_SIZE, sizeof(op));
		if (op.kind < GC_OP_SYSCALL || op.kind > GC_OP_REEXEC)
			return ENOEXEC;
		if (op.nargs > GC_MAX_ARGS || op.ntol > GC_MAX_TOL)
			return ENOEXEC;
		if (!valid_arena_string(&h, blob, op.label_off) || !valid_arena_string(&h, blob, op.pkg_off))
			return ENOEXEC;
		for (int a = 0; a < GC_MAX_ARGS; a++)
			if (!valid_arg(&h, &op.args[a], i))
				return ENOEXEC;
		if (op.kind == GC_OP_STORE) {
			int64_t w = op.args[2].value;
			if (op.args[1].kind != GC_ARG_PTR || !(w == 1 || w == 2 || w == 4 || w == 8) ||
			    !in_bounds((uint64_t)op.args[1].value, (uint64_t)w, h.arena_len))
				return ENOEXEC;
		}
		if (op.kind == GC_OP_RUN) {
			/* path, argv, envp in the arena; the timeout a constant */
			if (op.args[0].kind != GC_ARG_PTR || !valid_arena_string(&h, blob, (uint32_t)op.args[0].value) ||
			    op.args[1].kind != GC_ARG_PTR || op.args[2].kind != GC_ARG_PTR)
				return ENOEXEC;
			if (op.nargs != 6 || op.args[5].kind != GC_ARG_IMM || op.args[5].value < 0)
				return ENOEXEC;
		}
	}
	return 0;
}
