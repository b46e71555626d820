/*
 * uscc_index.c
 *		The engine's hash index USCC -> enterprise slot, and the large
 *		arrays it and the per-enterprise state live in.  The lookups every
 *		row makes are inline, in engine.h.
 */
#include "postgres.h"

#include <sys/mman.h>

#include "utils/memutils.h"

#include "engine.h"

/*
 * A large array, its pages backed by transparent huge pages where the kernel
 * offers them on request.  The per-enterprise state (hundreds of megabytes)
 * and the USCC hash table are written once each and then reached at random
 * by the record rows: faulting them in 4 kB at a time cost a third of the
 * register scan, and every probe missed the TLB.
 */
void *
alloc_large(MemoryContext cxt, Size size)
{
	void	   *p = MemoryContextAllocHuge(cxt, size);

#ifdef MADV_HUGEPAGE
	{
		const uintptr_t huge = 2 * 1024 * 1024;
		uintptr_t	from = TYPEALIGN(huge, (uintptr_t) p);
		uintptr_t	to = TYPEALIGN_DOWN(huge, (uintptr_t) p + size);

		if (to > from)
			(void) madvise((void *) from, to - from, MADV_HUGEPAGE);	/* advice only */
	}
#endif
	return p;
}

#define INDEX_PREFETCH 16

/*
 * Index the keys of the register's st->n enterprises (st->index.keys, one
 * per slot).  The table is at least twice as large as the register, so
 * probes stay short and always end at an unused entry.
 */
void
uscc_index_build(ComputeState *st)
{
	UsccIndex  *ix = &st->index;
	uint32		size = 1024;
	uint32	   *hashes;

	while (size < (uint32) st->n * 2)
		size <<= 1;
	Assert(size >= (uint32) st->n * 2 && (size & (size - 1)) == 0);
	ix->mask = size - 1;
	ix->table = alloc_large(st->mcxt, sizeof(IndexEntry) * (Size) size);
	memset(ix->table, 0, sizeof(IndexEntry) * (Size) size);
	ix->last_slot = -2;

	/* hashes first, then the inserts, each entry prefetched a few ahead */
	hashes = MemoryContextAllocHuge(st->mcxt, sizeof(uint32) * (Size) Max(st->n, 1));
	for (int32 s = 0; s < st->n; s++)
		hashes[s] = uscc_hash(ix->keys + (Size) s * USCC_PACKED_LEN) & ix->mask;
	for (int32 s = 0; s < st->n; s++)
	{
		const uint8 *key = ix->keys + (Size) s * USCC_PACKED_LEN;
		uint32		h = hashes[s];

		if (s + INDEX_PREFETCH < st->n)
			__builtin_prefetch(&ix->table[hashes[s + INDEX_PREFETCH]], 1);
		while (ix->table[h].used)
			h = (h + 1) & ix->mask;
		memcpy(ix->table[h].key, key, USCC_PACKED_LEN);
		ix->table[h].used = true;
		ix->table[h].slot = s;
	}
	pfree(hashes);
}
