/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fakes of what hypervisor/common/domain.c calls besides memory and grant
 * tables, for the host tests that run the real domain.c
 * (test_memory_op.c, test_domain.c): the HVM vCPU and domain hooks, vCPU
 * time, event channels (and VIRQ_DOM_EXC), the shared_info page (a real
 * Keel-owned page, as shared_info.c makes), the scheduler's stop and pause
 * hooks (stop as schedule.c: every vCPU not on a CPU at once, the rest when
 * the test lets them leave their CPUs), the end-of-boot hook,
 * event-check IPIs and strlcpy (not in this libc).  Each fake counts its
 * calls and appends its name to a trace; the init hooks can be made to
 * fail.  Grant tables are not faked here: test_memory_op.c links the real
 * grant_table.c, test_domain.c fakes it itself.
 */
#ifndef DOMAIN_ENV_H
#define DOMAIN_ENV_H

#include <stdbool.h>
#include <stdint.h>

struct denv {
    uint32_t hvm_vcpu_init, hvm_vcpu_destroy, hvm_domain_init, p2m_flush;
    uint32_t vcpu_time_init, vcpu_time_teardown, update_vcpu_time;
    uint32_t evtchn_init, evtchn_destroy, shinfo_init, shinfo_teardown;
    uint32_t stop_domain, all_ended, all_ended_clean;
    uint32_t pause_domain, unpause_domain;
    void (*pause_hook)(void);           /* run inside schedule_pause_domain */
    uint32_t global_virqs;              /* send_guest_global_virq() */
    uint32_t virq_last, virq_domid;     /* ... its last VIRQ and target */
    uint32_t event_checks;              /* smp_send_event_check() */
    uint32_t event_check_cpu;           /* ... its last target */
    /* The Nth next call of each init hook fails with -ENOMEM (0: none). */
    uint32_t fail_hvm_vcpu_init, fail_evtchn_init, fail_shinfo_init;
};
extern struct denv denv;

/* The fakes' names in call order, space-separated ("evtchn_destroy ..."). */
extern char denv_trace[4096];
void denv_note(const char *what);
/* Reset the counts, failures and trace. */
void denv_reset(void);
/* The vCPUs of d marked on_cpu leave their CPUs (as after_run would). */
struct domain;
void denv_cpus_exit(struct domain *d);

#endif
