// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debug keys: the table of keys Keel answers on its serial console and the
 * domain and vCPU dump behind 'q'.  The other dumps belong to their owners
 * (schedule_dump, evtchn_dump, hvm_vcpu_dump); this file only calls them.
 * Figures of a running vCPU are as of its last exit.
 */
#include <keel/domain.h>
#include <keel/keyhandler.h>
#include <keel/lib.h>
#include <keel/shared_info.h>
#include <keel/timer.h>

struct keyhandler {
    char key;
    void (*fn)(void);
    const char *desc;
};

static const char *const vcpu_state_names[] = {
    [VCPU_OFFLINE] = "offline", [VCPU_RUNNABLE] = "runnable", [VCPU_RUNNING] = "running",
    [VCPU_BLOCKED] = "blocked", [VCPU_PAUSED] = "paused",
};

static const char *const domain_state_names[] = {
    [DOMAIN_RUNNING] = "running", [DOMAIN_SHUTDOWN] = "shut down",
    [DOMAIN_CRASHED] = "crashed", [DOMAIN_KILLED] = "killed",
    [DOMAIN_DEAD] = "dead",
};

static void dump_vcpu(struct vcpu *v)
{
    struct vcpu_info *vi = vcpu_info_of(v);

    printk("  vcpu %u: %s on cpu %u%s, %lu exits, poll %s", v->vcpu_id,
           (uint32_t)v->state < ARRAY_SIZE(vcpu_state_names) ? vcpu_state_names[v->state] : "?",
           v->processor, v->on_cpu ? " (taken)" : "", v->exits,
           (v->domain->poll_mask >> v->vcpu_id) & 1 ? "yes" : "no");
    if (vi)
        printk(", upcall pending %u mask %u sel %lx\n", vi->evtchn_upcall_pending,
               vi->evtchn_upcall_mask, (uint64_t)vi->evtchn_pending_sel);
    else
        printk(", no vcpu_info\n");
    hvm_vcpu_dump(v);
}

static void dump_domain(struct domain *d)
{
    printk("d%u (%s): %s%s, %lu pages, %u vCPUs, poll mask %lx\n", d->domid, d->name,
           (uint32_t)d->state < ARRAY_SIZE(domain_state_names) ? domain_state_names[d->state] : "?",
           d->privileged ? ", control domain" : "", d->tot_pages, d->nr_vcpus, d->poll_mask);
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            dump_vcpu(d->vcpus[i]);
}

static void key_domains(void)
{
    printk("'q' pressed: domains and vCPUs (now %ld ns)\n", (long)NOW());
    domains_dump(dump_domain);
}

static void key_runqueues(void)
{
    printk("'r' pressed: run queues\n");
    schedule_dump();
}

static void key_evtchn(void)
{
    printk("'e' pressed: event channels\n");
    domains_dump(evtchn_dump);
}

static void key_help(void);

static const struct keyhandler keys[] = {
    { 'h', key_help, "this list" },
    { 'q', key_domains, "domains and their vCPUs: state, events, registers" },
    { 'r', key_runqueues, "each CPU's run queue" },
    { 'e', key_evtchn, "each domain's bound event channels" },
};

static void key_help(void)
{
    printk("'h' pressed: Keel's debug keys\n");
    for (uint32_t i = 0; i < ARRAY_SIZE(keys); i++)
        printk("  '%c' %s\n", keys[i].key, keys[i].desc);
}

void keyhandler_press(char key)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (keys[i].key == key) {
            keys[i].fn();
            return;
        }
    }
    if (key >= ' ' && key < 0x7f)
        printk("key '%c' does nothing: 'h' lists the debug keys\n", key);
}
