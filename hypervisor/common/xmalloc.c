/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor heap (xmalloc/xzalloc/xfree) on top of the page allocator.
 *
 * Small requests (up to XM_SMALL_MAX = 2048 bytes) are rounded up to a
 * power-of-two size class 16, 32, ..., 2048 and carved out of single pages
 * from page_alloc(0).  Objects start at multiples of their size inside the
 * page, so the whole page is usable (two 2048-byte objects per page).  The
 * page's bookkeeping lives in its struct page_info (a side table), which is
 * free for the owner to use while the page is allocated:
 *   next, prev  links on the class's list of pages that have a free object
 *               (pfn indices, UINT32_MAX for none);
 *   count       XM_SMALL_MAGIC (11 bits) | class (3) | first free object
 *               index (9, XM_NO_OBJ for none) | objects in use (9);
 *   owner       stays DOMID_KEEL.
 * Free objects of a page form a list threaded through the objects: word 0
 * holds the next free index, bytes 8..15 a canary (XM_FREE_CANARY ^ address)
 * that flags a probable double free, confirmed by walking the page's list.
 * A page whose last object is freed goes back to page_alloc() at once, so
 * the heap keeps no empty page: once everything allocated since some point
 * is freed again, page_alloc_free_pages() is back where it was (the system
 * tests check that to the page when every domain has ended).  The heap is
 * used when domains are built and torn down, not per hypercall, so the
 * round trip through page_alloc() costs nothing that matters.
 *
 * Large requests take 2^k whole pages; a 16-byte header at the start of the
 * block records a magic value and the order, and the head page's count holds
 * XM_BIG_MAGIC.  The caller gets the address just after the header.
 *
 * xfree() checks that a pointer lies in an allocated heap page with one of
 * the magics, at an object boundary, and is not already free; anything else
 * is logged and ignored.  xmalloc(0) behaves as xmalloc(1).
 * xmalloc_used_bytes() counts the bytes of the objects/blocks handed out
 * (class size, or the whole pages of a large block); xmalloc_heap_pages()
 * the pages the heap holds from page_alloc() (partly used small-object
 * pages and the pages of large blocks).
 *
 * Not thread-safe by itself: callers hold the heap lock (added with SMP).
 */
#include <keel/xmalloc.h>
#include <keel/spinlock.h>
#include <keel/page_alloc.h>
#include <keel/lib.h>

#define XM_MIN_SHIFT    4                       /* 16 bytes */
#define XM_MAX_SHIFT    11                      /* 2048 bytes */
#define XM_SMALL_MAX    (1UL << XM_MAX_SHIFT)
#define XM_NR_CLASSES   (XM_MAX_SHIFT - XM_MIN_SHIFT + 1)
#define XM_ALIGN        16UL

#define XM_SMALL_MAGIC  0x5abu                  /* 11 bits */
#define XM_BIG_MAGIC    0xb16b10c5u
#define XM_HDR_MAGIC    0x4b48454cu             /* "KHEL" */
#define XM_FREE_CANARY  0xf4eef4eef4eef4eeULL
#define XM_NO_OBJ       0x1ffu
#define NO_PFN32        UINT32_MAX

BUILD_BUG_ON((PAGE_SIZE >> XM_MIN_SHIFT) > XM_NO_OBJ);
BUILD_BUG_ON(XM_NR_CLASSES > 8);

/* Header of a large block; the caller's memory follows it. */
struct xm_big_hdr {
    uint32_t magic;     /* XM_HDR_MAGIC while allocated */
    uint32_t order;
    uint64_t check;     /* XM_HDR_MAGIC ^ address of the header */
};
BUILD_BUG_ON(sizeof(struct xm_big_hdr) != XM_ALIGN);

/* A free small object. */
struct xm_free_obj {
    uint32_t next;      /* index of the next free object, or XM_NO_OBJ */
    uint32_t pad;
    uint64_t canary;    /* XM_FREE_CANARY ^ address */
};

/* Decoded page_info.count of a small page. */
struct xm_small_meta {
    uint32_t cls;
    uint32_t free_idx;
    uint32_t used;
};

static uint32_t class_pages[XM_NR_CLASSES];    /* pages with free objects */
static size_t used_bytes;
static size_t heap_pages;                       /* taken from page_alloc() */

static bool class_lists_ready;

static void xm_init_once(void)
{
    if (class_lists_ready)
        return;
    for (uint32_t c = 0; c < XM_NR_CLASSES; c++)
        class_pages[c] = NO_PFN32;
    class_lists_ready = true;
}

/* ---- small-page metadata ------------------------------------------------- */

static bool small_meta_get(const struct page_info *pg, struct xm_small_meta *m)
{
    if ((pg->count >> 21) != XM_SMALL_MAGIC)
        return false;
    m->cls = (pg->count >> 18) & 0x7;
    m->free_idx = (pg->count >> 9) & 0x1ff;
    m->used = pg->count & 0x1ff;
    return m->cls < XM_NR_CLASSES;
}

static void small_meta_set(struct page_info *pg, const struct xm_small_meta *m)
{
    pg->count = (XM_SMALL_MAGIC << 21) | (m->cls << 18) |
                (m->free_idx << 9) | m->used;
}

static size_t class_size(uint32_t cls)
{
    return (size_t)1 << (cls + XM_MIN_SHIFT);
}

static uint32_t class_objects(uint32_t cls)
{
    return (uint32_t)(PAGE_SIZE / class_size(cls));
}

static uint32_t size_to_class(size_t size)
{
    uint32_t cls = 0;

    while (class_size(cls) < size)
        cls++;
    return cls;
}

static struct xm_free_obj *object_at(pfn_t pfn, uint32_t cls, uint32_t idx)
{
    return (struct xm_free_obj *)((uint8_t *)pfn_to_virt(pfn) +
                                  (size_t)idx * class_size(cls));
}

static uint64_t canary_for(const void *obj)
{
    return XM_FREE_CANARY ^ (uint64_t)(uintptr_t)obj;
}

/* ---- class lists of pages with free objects ------------------------------ */

static void class_list_push(uint32_t cls, pfn_t pfn)
{
    struct page_info *pg = pfn_to_page(pfn);

    pg->prev = NO_PFN32;
    pg->next = class_pages[cls];
    if (class_pages[cls] != NO_PFN32)
        pfn_to_page(class_pages[cls])->prev = (uint32_t)pfn;
    class_pages[cls] = (uint32_t)pfn;
}

static void class_list_remove(uint32_t cls, pfn_t pfn)
{
    struct page_info *pg = pfn_to_page(pfn);

    if (pg->prev != NO_PFN32)
        pfn_to_page(pg->prev)->next = pg->next;
    else
        class_pages[cls] = pg->next;
    if (pg->next != NO_PFN32)
        pfn_to_page(pg->next)->prev = pg->prev;
    pg->next = pg->prev = NO_PFN32;
}

/* ---- small objects ------------------------------------------------------- */

/* A fresh page for class cls with every object on its free list. */
static bool small_page_new(uint32_t cls)
{
    uint32_t nr = class_objects(cls);
    struct xm_small_meta m = { .cls = cls, .free_idx = 0, .used = 0 };
    pfn_t pfn = page_alloc(0);
    struct page_info *pg;

    if (pfn == PFN_INVALID || !(pg = pfn_to_page(pfn)))
        return false;
    for (uint32_t i = 0; i < nr; i++) {
        struct xm_free_obj *obj = object_at(pfn, cls, i);
        obj->next = (i + 1 < nr) ? i + 1 : XM_NO_OBJ;
        obj->canary = canary_for(obj);
    }
    small_meta_set(pg, &m);
    class_list_push(cls, pfn);
    heap_pages++;
    return true;
}

static void *small_alloc(uint32_t cls)
{
    struct xm_small_meta m = { 0 };
    struct xm_free_obj *obj;
    struct page_info *pg;
    pfn_t pfn;

    if (class_pages[cls] == NO_PFN32 && !small_page_new(cls))
        return NULL;
    pfn = class_pages[cls];
    pg = pfn_to_page(pfn);
    if (!small_meta_get(pg, &m) || m.cls != cls || m.free_idx >= class_objects(cls)) {
        pr_err("xmalloc: heap page %#llx of class %lu is corrupt\n",
               (unsigned long long)pfn, (unsigned long)class_size(cls));
        return NULL;
    }
    obj = object_at(pfn, cls, m.free_idx);
    m.free_idx = obj->next;
    m.used++;
    small_meta_set(pg, &m);
    if (m.free_idx == XM_NO_OBJ)
        class_list_remove(cls, pfn);
    obj->canary = 0;
    used_bytes += class_size(cls);
    return obj;
}

static bool small_obj_is_free(pfn_t pfn, const struct xm_small_meta *m,
                              uint32_t idx)
{
    uint32_t steps = 0, cur = m->free_idx;

    while (cur < class_objects(m->cls) && steps++ < class_objects(m->cls)) {
        if (cur == idx)
            return true;
        cur = object_at(pfn, m->cls, cur)->next;
    }
    return false;
}

static void small_free(void *p, pfn_t pfn, struct page_info *pg,
                       struct xm_small_meta *m)
{
    size_t offset = (uintptr_t)p & (PAGE_SIZE - 1);
    struct xm_free_obj *obj = p;
    uint32_t idx;

    if (offset % class_size(m->cls) != 0) {
        pr_err("xfree: %#lx is not the start of a %lu-byte object\n",
               (unsigned long)(uintptr_t)p, (unsigned long)class_size(m->cls));
        return;
    }
    idx = (uint32_t)(offset / class_size(m->cls));
    if (obj->canary == canary_for(obj) && small_obj_is_free(pfn, m, idx)) {
        pr_err("xfree: double free of %#lx\n", (unsigned long)(uintptr_t)p);
        return;
    }
    if (m->used == 0) {
        pr_err("xfree: %#lx is in a heap page with no objects in use\n",
               (unsigned long)(uintptr_t)p);
        return;
    }
    if (m->free_idx == XM_NO_OBJ)
        class_list_push(m->cls, pfn);
    obj->next = m->free_idx;
    obj->canary = canary_for(obj);
    m->free_idx = idx;
    m->used--;
    small_meta_set(pg, m);
    used_bytes -= class_size(m->cls);

    if (m->used == 0) {                 /* empty: back to the page allocator */
        class_list_remove(m->cls, pfn);
        pg->count = 0;
        heap_pages--;
        page_free(pfn, 0);
    }
}

/* ---- large blocks -------------------------------------------------------- */

static void *big_alloc(size_t size)
{
    unsigned int order = 0;
    struct xm_big_hdr *hdr;
    pfn_t pfn;

    if (size > ((size_t)PAGE_SIZE << PAGE_ORDER_MAX) - sizeof(*hdr))
        return NULL;
    while (((size_t)PAGE_SIZE << order) < size + sizeof(*hdr))
        order++;
    pfn = page_alloc(order);
    if (pfn == PFN_INVALID)
        return NULL;
    hdr = pfn_to_virt(pfn);
    hdr->magic = XM_HDR_MAGIC;
    hdr->order = order;
    hdr->check = XM_HDR_MAGIC ^ (uint64_t)(uintptr_t)hdr;
    pfn_to_page(pfn)->count = XM_BIG_MAGIC;
    used_bytes += (size_t)PAGE_SIZE << order;
    heap_pages += (size_t)1 << order;
    return hdr + 1;
}

static void big_free(void *p, pfn_t pfn, struct page_info *pg)
{
    struct xm_big_hdr *hdr = (struct xm_big_hdr *)p - 1;

    if (((uintptr_t)p & (PAGE_SIZE - 1)) != sizeof(*hdr) ||
        hdr->magic != XM_HDR_MAGIC ||
        hdr->check != (XM_HDR_MAGIC ^ (uint64_t)(uintptr_t)hdr) ||
        hdr->order != pg->order) {
        pr_err("xfree: %#lx is not a large heap block (bad header)\n",
               (unsigned long)(uintptr_t)p);
        return;
    }
    hdr->magic = 0;
    pg->count = 0;
    used_bytes -= (size_t)PAGE_SIZE << hdr->order;
    heap_pages -= (size_t)1 << hdr->order;
    page_free(pfn, hdr->order);
}

/* ---- interface ----------------------------------------------------------- */

static void *xmalloc_locked(size_t size)
{
    xm_init_once();
    if (size == 0)
        size = 1;
    if (size <= XM_SMALL_MAX)
        return small_alloc(size_to_class(size));
    return big_alloc(size);
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

static void xfree_locked(void *p)
{
    struct xm_small_meta m;
    struct page_info *pg;
    pfn_t pfn;

    if (!p)
        return;
    xm_init_once();
    pfn = ((uintptr_t)p & (XM_ALIGN - 1)) ? PFN_INVALID : virt_to_pfn(p);
    pg = pfn == PFN_INVALID ? NULL : pfn_to_page(pfn);
    if (!pg || !(pg->flags & PGF_ALLOCATED) ||
        (uintptr_t)pfn_to_virt(pfn) != ((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1))) {
        pr_err("xfree: %#lx was not allocated by xmalloc\n",
               (unsigned long)(uintptr_t)p);
        return;
    }
    if (pg->order == 0 && small_meta_get(pg, &m)) {
        small_free(p, pfn, pg, &m);
        return;
    }
    if (pg->count == XM_BIG_MAGIC) {
        big_free(p, pfn, pg);
        return;
    }
    pr_err("xfree: %#lx was not allocated by xmalloc\n",
               (unsigned long)(uintptr_t)p);
}

/* The heap lock of the small-object heap (taken before the page heap's). */
static DEFINE_SPINLOCK(xmalloc_lock);

void *xmalloc(size_t size)
{
    unsigned long flags = spin_lock_irqsave(&xmalloc_lock);
    void *p = xmalloc_locked(size);

    spin_unlock_irqrestore(&xmalloc_lock, flags);
    return p;
}

void xfree(void *p)
{
    unsigned long flags = spin_lock_irqsave(&xmalloc_lock);

    xfree_locked(p);
    spin_unlock_irqrestore(&xmalloc_lock, flags);
}

size_t xmalloc_used_bytes(void)
{
    return used_bytes;
}

size_t xmalloc_heap_pages(void)
{
    return heap_pages;
}
