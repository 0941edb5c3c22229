// SPDX-License-Identifier: GPL-2.0-only
/*
 * The p2m on AMD nested paging (NPT): owns the nested page tables of a
 * domain, in the ordinary x86-64 4-level long-mode format.  Every entry has
 * U set (the nested walk is a user access); leaves are 4 KiB (level 0),
 * 2 MiB (PS at level 1) or 1 GiB (PS at level 2); the root is level 3.
 * The p2m type of a leaf lives in the software-available bits 52-55.
 *
 * Updates follow three rules so that a CPU walking the tables concurrently
 * always sees either the old or the new translation:
 *  - every entry changes with one 64-bit store of its final value;
 *  - a new table is completely filled (a split table reproduces the old
 *    superpage in all 512 slots) before the store that links it in;
 *  - a table page unlinked from the tree is freed only after the flush
 *    hook, so no CPU can still walk it when it is reused.
 * All table pages one operation may need are allocated before anything is
 * changed, so -ENOMEM leaves the map exactly as it was.
 */
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/p2m.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/xmalloc.h>
#include <asm/page.h>

#define NPT_LEVELS          4
#define NPT_ROOT_LEVEL      3
#define NPT_ENTRIES         512
#define NPT_LEVEL_SHIFT     9

/* Software-available bits 52-55 hold the p2m type of a leaf. */
#define NPT_TYPE_SHIFT      52
#define NPT_TYPE_MASK       (0xfULL << NPT_TYPE_SHIFT)

/* Every entry: present, user.  A and D are preset so the CPU never writes
 * to the tables; they are ignored when entries are compared. */
#define NPT_TABLE_FLAGS     (PTE_P | PTE_W | PTE_U | PTE_A)
#define NPT_LEAF_BASE       (PTE_P | PTE_U | PTE_A | PTE_D)
#define NPT_IGNORED_BITS    (PTE_A | PTE_D)

BUILD_BUG_ON(P2M_NR_TYPES > 16);

/* Hardware permission and cache bits of each type, on top of NPT_LEAF_BASE.
 * Guest RAM is executable (nested NX is honoured).  MMIO is uncached and
 * never executed; grant and foreign maps are not executed either (as Xen). */
static const uint64_t npt_type_flags[P2M_NR_TYPES] = {
    [p2m_ram_rw]        = PTE_W,
    [p2m_ram_ro]        = 0,
    [p2m_mmio_direct]   = PTE_W | PTE_PCD | PTE_PWT | PTE_NX,
    [p2m_grant_map_rw]  = PTE_W | PTE_NX,
    [p2m_grant_map_ro]  = PTE_NX,
    [p2m_foreign]       = PTE_W | PTE_NX,
};

/* The tables one p2m_set_entry() works with: pages allocated up front, and
 * subtrees unlinked from the tree, freed after the flush. */
#define NPT_MAX_SPARE       (NPT_LEVELS - 1)
#define NPT_MAX_DEAD        4

struct npt_dead {
    pfn_t pfn;
    unsigned int level;
};

struct npt_op {
    struct p2m *p2m;
    pfn_t spare[NPT_MAX_SPARE];
    unsigned int nr_spare;
    struct npt_dead dead[NPT_MAX_DEAD];
    unsigned int nr_dead;
    bool need_flush;
    uint64_t *slot[NPT_LEVELS];     /* the entry on gfn's path at each level */
};

/* ---- entries -------------------------------------------------------------- */

static inline uint64_t entry_read(const uint64_t *slot)
{
    return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

/* Release: a table's contents are visible before the entry linking it. */
static inline void entry_write(uint64_t *slot, uint64_t e)
{
    __atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

static inline bool entry_present(uint64_t e)
{
    return e & PTE_P;
}

static inline bool entry_is_leaf(uint64_t e, unsigned int level)
{
    return level == 0 || (e & PTE_PS);
}

static inline mfn_t entry_mfn(uint64_t e)
{
    return (e & PTE_ADDR) >> PAGE_SHIFT;
}

static inline enum p2m_type entry_type(uint64_t e)
{
    return (enum p2m_type)((e & NPT_TYPE_MASK) >> NPT_TYPE_SHIFT);
}

static inline uint64_t *entry_table(uint64_t e)
{
    return pfn_to_virt(entry_mfn(e));
}

static inline unsigned int level_order(unsigned int level)
{
    return level * NPT_LEVEL_SHIFT;
}

static inline unsigned int level_index(gfn_t gfn, unsigned int level)
{
    return (gfn >> level_order(level)) & (NPT_ENTRIES - 1);
}

static uint64_t make_leaf(mfn_t mfn, enum p2m_type type, unsigned int level)
{
    uint64_t e = NPT_LEAF_BASE | npt_type_flags[type] |
                 ((uint64_t)type << NPT_TYPE_SHIFT) | (mfn << PAGE_SHIFT);

    return level ? e | PTE_PS : e;
}

static uint64_t make_table(pfn_t pfn)
{
    return NPT_TABLE_FLAGS | ((uint64_t)pfn << PAGE_SHIFT);
}

/* Does replacing leaf old by new take a translation or a right away? */
static bool leaf_change_needs_flush(uint64_t old, uint64_t new)
{
    if (!entry_present(old))
        return false;
    if (!entry_present(new))
        return true;
    if ((old ^ new) & (PTE_ADDR | PTE_PCD | PTE_PWT))
        return true;
    if ((old & PTE_W) && !(new & PTE_W))
        return true;
    return !(old & PTE_NX) && (new & PTE_NX);
}

/* ---- accounting and freeing ------------------------------------------------ */

static void account_leaf(struct p2m *p2m, uint64_t e, unsigned int level,
                         int64_t sign)
{
    enum p2m_type t = entry_type(e);

    p2m->nr_entries[t] += (uint64_t)sign;
    p2m->nr_pages[t] += (uint64_t)sign << level_order(level);
}

/* Free a table and everything below it, uncounting its leaves. */
static void free_table(struct p2m *p2m, pfn_t pfn, unsigned int level)
{
    uint64_t *table = pfn_to_virt(pfn);

    for (unsigned int i = 0; i < NPT_ENTRIES; i++) {
        uint64_t e = entry_read(&table[i]);

        if (!entry_present(e))
            continue;
        if (entry_is_leaf(e, level))
            account_leaf(p2m, e, level, -1);
        else
            free_table(p2m, entry_mfn(e), level - 1);
    }
    page_free(pfn, 0);
    p2m->table_pages--;
}

static bool table_is_empty(const uint64_t *table)
{
    for (unsigned int i = 0; i < NPT_ENTRIES; i++)
        if (entry_present(entry_read(&table[i])))
            return false;
    return true;
}

/* ---- one operation --------------------------------------------------------- */

static void op_add_dead(struct npt_op *op, uint64_t table_entry,
                        unsigned int level)
{
    BUG_ON(op->nr_dead >= NPT_MAX_DEAD);
    op->dead[op->nr_dead].pfn = entry_mfn(table_entry);
    op->dead[op->nr_dead].level = level;
    op->nr_dead++;
    op->need_flush = true;
}

static int op_prealloc(struct npt_op *op, unsigned int count)
{
    BUG_ON(count > NPT_MAX_SPARE);
    while (op->nr_spare < count) {
        pfn_t pfn = page_alloc(0);

        if (pfn == PFN_INVALID)
            return -ENOMEM;
        op->spare[op->nr_spare++] = pfn;
    }
    return 0;
}

/* A zeroed table page from the spares, now counted as in use. */
static pfn_t op_take_table(struct npt_op *op)
{
    BUG_ON(op->nr_spare == 0);
    op->p2m->table_pages++;
    return op->spare[--op->nr_spare];
}

/* Flush if needed, then free what was unlinked and what was not used. */
static void op_finish(struct npt_op *op)
{
    struct p2m *p2m = op->p2m;

    if (op->need_flush && p2m->flush)
        p2m->flush(p2m);
    for (unsigned int i = 0; i < op->nr_dead; i++)
        free_table(p2m, op->dead[i].pfn, op->dead[i].level);
    while (op->nr_spare)
        page_free(op->spare[--op->nr_spare], 0);
}

/*
 * Look down gfn's path without changing anything: how many tables setting
 * a leaf at target_level needs (missing levels, superpages to split).
 * *noop is set when there is nothing to do: unmapping where nothing is
 * mapped, or mapping exactly what a covering superpage already maps.
 */
static unsigned int tables_needed(const struct p2m *p2m, gfn_t gfn, mfn_t mfn,
                                  unsigned int target_level,
                                  enum p2m_type type, bool *noop)
{
    const uint64_t *table = pfn_to_virt(p2m->root);

    *noop = false;
    for (unsigned int level = NPT_ROOT_LEVEL; level > target_level; level--) {
        uint64_t e = entry_read(&table[level_index(gfn, level)]);

        if (!entry_present(e)) {
            *noop = type == p2m_invalid;
            return *noop ? 0 : level - target_level;
        }
        if (entry_is_leaf(e, level)) {
            gfn_t offset = gfn & ((1ULL << level_order(level)) - 1);

            *noop = type == entry_type(e) && mfn == entry_mfn(e) + offset;
            return *noop ? 0 : level - target_level;
        }
        table = entry_table(e);
    }
    return 0;
}

/* Replace the superpage leaf in *slot (at level) by a table of 512 leaves
 * one level down that map the same frames with the same type. */
static void split_superpage(struct npt_op *op, uint64_t *slot, uint64_t leaf,
                            unsigned int level)
{
    pfn_t pfn = op_take_table(op);
    uint64_t *table = pfn_to_virt(pfn);
    enum p2m_type type = entry_type(leaf);
    mfn_t base = entry_mfn(leaf);
    unsigned int sub = level - 1;

    for (unsigned int i = 0; i < NPT_ENTRIES; i++)
        table[i] = make_leaf(base + ((mfn_t)i << level_order(sub)), type, sub);
    entry_write(slot, make_table(pfn));
    account_leaf(op->p2m, leaf, level, -1);
    op->p2m->nr_entries[type] += NPT_ENTRIES;
    op->p2m->nr_pages[type] += (uint64_t)NPT_ENTRIES << level_order(sub);
}

/*
 * Walk from the root to the table holding gfn's entry at target_level,
 * creating missing tables and splitting superpages on the way (the spares
 * cover it).  Records each level's slot in op->slot.  NULL when unmapping
 * and a level is missing (nothing to remove).
 */
static uint64_t *walk_to_level(struct npt_op *op, gfn_t gfn,
                               unsigned int target_level, bool removing)
{
    uint64_t *table = pfn_to_virt(op->p2m->root);

    for (unsigned int level = NPT_ROOT_LEVEL; level > target_level; level--) {
        uint64_t *slot = &table[level_index(gfn, level)];
        uint64_t e = entry_read(slot);

        op->slot[level] = slot;
        if (!entry_present(e)) {
            if (removing)
                return NULL;
            entry_write(slot, make_table(op_take_table(op)));
        } else if (entry_is_leaf(e, level)) {
            split_superpage(op, slot, e, level);
        }
        table = entry_table(entry_read(slot));
    }
    op->slot[target_level] = &table[level_index(gfn, target_level)];
    return op->slot[target_level];
}

/* The table that holds op->slot[level]. */
static uint64_t *slot_table(const struct npt_op *op, unsigned int level)
{
    return (uint64_t *)ALIGN_DOWN((uintptr_t)op->slot[level], PAGE_SIZE);
}

/* The superpage leaf one level up that the 512 entries of table amount to
 * (all present leaves, contiguous, aligned, one type), or 0. */
static uint64_t table_as_superpage(const uint64_t *table, unsigned int level)
{
    uint64_t first = entry_read(&table[0]);
    unsigned int up_order = level_order(level + 1);
    enum p2m_type type = entry_type(first);
    mfn_t base = entry_mfn(first);

    if (!entry_present(first) || !entry_is_leaf(first, level) ||
        (base & ((1ULL << up_order) - 1)))
        return 0;
    for (unsigned int i = 1; i < NPT_ENTRIES; i++) {
        uint64_t want = make_leaf(base + ((mfn_t)i << level_order(level)),
                                  type, level);

        if ((entry_read(&table[i]) ^ want) & ~NPT_IGNORED_BITS)
            return 0;
    }
    return make_leaf(base, type, level + 1);
}

/* After a leaf was set at level: fold full contiguous tables upwards. */
static void merge_upwards(struct npt_op *op, unsigned int level)
{
    unsigned int max_leaf_level = op->p2m->max_order / NPT_LEVEL_SHIFT;

    for (; level + 1 <= max_leaf_level; level++) {
        uint64_t *parent = op->slot[level + 1];
        uint64_t leaf = table_as_superpage(slot_table(op, level), level);

        if (!leaf)
            return;
        op_add_dead(op, entry_read(parent), level);
        entry_write(parent, leaf);
        account_leaf(op->p2m, leaf, level + 1, +1);
    }
}

/* After an entry was cleared at level: unlink tables left empty. */
static void prune_upwards(struct npt_op *op, unsigned int level)
{
    for (; level < NPT_ROOT_LEVEL; level++) {
        uint64_t *parent = op->slot[level + 1];

        if (!table_is_empty(slot_table(op, level)))
            return;
        op_add_dead(op, entry_read(parent), level);
        entry_write(parent, 0);
    }
}

/* Store the final entry at the target slot and tidy up around it. */
static void install_entry(struct npt_op *op, uint64_t *slot, uint64_t new,
                          unsigned int level)
{
    uint64_t old = entry_read(slot);

    entry_write(slot, new);
    if (entry_present(old)) {
        if (entry_is_leaf(old, level)) {
            account_leaf(op->p2m, old, level, -1);
            op->need_flush |= leaf_change_needs_flush(old, new);
        } else {
            op_add_dead(op, old, level - 1);
        }
    }
    if (entry_present(new)) {
        account_leaf(op->p2m, new, level, +1);
        merge_upwards(op, level);
    } else {
        prune_upwards(op, level);
    }
}

/* ---- the interface ---------------------------------------------------------- */

static bool set_args_valid(const struct p2m *p2m, gfn_t gfn, mfn_t mfn,
                           unsigned int order, enum p2m_type type)
{
    uint64_t align = (1ULL << order) - 1;

    if (order != P2M_ORDER_4K && order != P2M_ORDER_2M && order != P2M_ORDER_1G)
        return false;
    if ((unsigned int)type >= P2M_NR_TYPES)
        return false;
    if (order > p2m->max_order && type != p2m_invalid)
        return false;
    if ((gfn & align) || (gfn >> P2M_GFN_BITS))
        return false;
    return type == p2m_invalid || (!(mfn & align) && !(mfn >> P2M_MFN_BITS));
}

int p2m_set_entry(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned int order,
                  enum p2m_type type)
{
    struct npt_op op = { .p2m = p2m };
    unsigned int level = order / NPT_LEVEL_SHIFT;
    bool removing = type == p2m_invalid;
    bool noop;
    uint64_t *slot;
    int rc = 0;

    if (p2m->root == MFN_INVALID || !set_args_valid(p2m, gfn, mfn, order, type))
        return -EINVAL;

    write_lock(&p2m->lock);
    rc = op_prealloc(&op, tables_needed(p2m, gfn, mfn, level, type, &noop));
    if (rc == 0 && !noop) {
        slot = walk_to_level(&op, gfn, level, removing);
        if (slot)
            install_entry(&op, slot, removing ? 0 : make_leaf(mfn, type, level),
                          level);
    }
    op_finish(&op);
    write_unlock(&p2m->lock);
    return rc;
}

int p2m_get_entry(struct p2m *p2m, gfn_t gfn, mfn_t *mfn,
                  enum p2m_type *type, unsigned int *order)
{
    mfn_t found_mfn = MFN_INVALID;
    enum p2m_type found_type = p2m_invalid;
    unsigned int level = NPT_ROOT_LEVEL;
    int rc = -ENOENT;

    if ((gfn >> P2M_GFN_BITS) || p2m->root == MFN_INVALID)
        return -EINVAL;

    read_lock(&p2m->lock);
    for (const uint64_t *table = pfn_to_virt(p2m->root);; level--) {
        uint64_t e = entry_read(&table[level_index(gfn, level)]);

        if (!entry_present(e))
            break;
        if (entry_is_leaf(e, level)) {
            found_mfn = entry_mfn(e) + (gfn & ((1ULL << level_order(level)) - 1));
            found_type = entry_type(e);
            rc = 0;
            break;
        }
        table = entry_table(e);
    }
    read_unlock(&p2m->lock);

    if (mfn)
        *mfn = found_mfn;
    if (type)
        *type = found_type;
    if (order)
        *order = level_order(level);
    return rc;
}

static void walk_table(const uint64_t *table, unsigned int level, gfn_t base,
                       p2m_leaf_fn fn, void *arg)
{
    for (unsigned int i = 0; i < NPT_ENTRIES; i++) {
        uint64_t e = entry_read(&table[i]);
        gfn_t gfn = base + ((gfn_t)i << level_order(level));

        if (!entry_present(e))
            continue;
        if (entry_is_leaf(e, level))
            fn(arg, gfn, entry_mfn(e), level_order(level), entry_type(e));
        else
            walk_table(entry_table(e), level - 1, gfn, fn, arg);
    }
}

void p2m_for_each_leaf(struct p2m *p2m, p2m_leaf_fn fn, void *arg)
{
    if (p2m->root == MFN_INVALID)
        return;
    read_lock(&p2m->lock);
    walk_table(pfn_to_virt(p2m->root), NPT_ROOT_LEVEL, 0, fn, arg);
    read_unlock(&p2m->lock);
}

int p2m_init(struct p2m *p2m)
{
    pfn_t root = page_alloc(0);

    memset(p2m, 0, sizeof(*p2m));
    rwlock_init(&p2m->lock, "p2m", 0);
    p2m->root = MFN_INVALID;
    p2m->max_order = P2M_ORDER_1G;
    if (root == PFN_INVALID)
        return -ENOMEM;
    p2m->root = root;           /* page_alloc() hands out zeroed pages */
    p2m->table_pages = 1;
    return 0;
}

void p2m_teardown(struct p2m *p2m)
{
    if (p2m->root == MFN_INVALID)
        return;
    write_lock(&p2m->lock);
    if (p2m->flush)
        p2m->flush(p2m);
    free_table(p2m, p2m->root, NPT_ROOT_LEVEL);
    p2m->root = MFN_INVALID;
    write_unlock(&p2m->lock);
}

paddr_t p2m_root_maddr(const struct p2m *p2m)
{
    return (paddr_t)p2m->root << PAGE_SHIFT;
}
