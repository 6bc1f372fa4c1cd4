// SPDX-License-Identifier: GPL-2.0
/* TEMPORARY: weak stand-ins while src/core/recfile.c is written. Removed when it lands. */
#include <errno.h>
#include <stddef.h>

#include "core/recfile.h"

__attribute__((weak)) struct rec_reader *recr__open(const void *buf, size_t len, struct rec_header *h,
						    struct rec_error *err)
{
	(void)buf, (void)len, (void)h;
	err->offset = 0;
	err->msg[0] = 'n';
	err->msg[1] = 0;
	return NULL;
}
__attribute__((weak)) void recr__free(struct rec_reader *r) { (void)r; }
__attribute__((weak)) bool recr__next(struct rec_reader *r, struct rec_item *it, struct rec_error *err)
{
	(void)r, (void)it, (void)err;
	return false;
}
__attribute__((weak)) enum rec_status recr__status(const struct rec_reader *r)
{
	(void)r;
	return REC_CORRUPT;
}
__attribute__((weak)) struct rec_writer *recw__new(int fd, const struct rec_header *h)
{
	(void)fd, (void)h;
	errno = ENOSYS;
	return NULL;
}
__attribute__((weak)) int recw__event(struct rec_writer *w, const struct sev *e) { (void)w, (void)e; return -ENOSYS; }
__attribute__((weak)) int recw__snap(struct rec_writer *w, enum snap_phase p, uint64_t t, const struct task_snap *s) { (void)w, (void)p, (void)t, (void)s; return -ENOSYS; }
__attribute__((weak)) int recw__lost(struct rec_writer *w, uint32_t c, uint64_t t, uint64_t l) { (void)w, (void)c, (void)t, (void)l; return -ENOSYS; }
__attribute__((weak)) int recw__flush(struct rec_writer *w) { (void)w; return -ENOSYS; }
__attribute__((weak)) int recw__finish(struct rec_writer *w, uint64_t e) { (void)w, (void)e; return -ENOSYS; }
__attribute__((weak)) void recw__free(struct rec_writer *w) { (void)w; }
__attribute__((weak)) uint64_t recw__bytes(const struct rec_writer *w) { (void)w; return 0; }
__attribute__((weak)) uint64_t recw__events(const struct rec_writer *w) { (void)w; return 0; }

/* TEMPORARY: and the event session's, while src/evsession.c is written. */
#include "evsession.h"
__attribute__((weak)) struct evsession *evsession__open(const struct ev_opts *o) { (void)o; return NULL; }
__attribute__((weak)) void evsession__close(struct evsession *s) { (void)s; }
__attribute__((weak)) uint32_t evsession__nr_cpus(const struct evsession *s) { (void)s; return 1; }
__attribute__((weak)) bool evsession__wait(struct evsession *s, uint64_t d) { (void)s, (void)d; return true; }
__attribute__((weak)) void evsession__drain(struct evsession *s) { (void)s; }
__attribute__((weak)) int evsession__scan(struct evsession *s, int (*fn)(void *, const struct task_snap *), void *c) { (void)s, (void)fn, (void)c; return -ENOSYS; }
__attribute__((weak)) uint64_t evsession__lost(struct evsession *s, uint64_t *l) { (void)s, (void)l; return 0; }
