#ifndef CZEROMQ_SHIM_H
#define CZEROMQ_SHIM_H

#include <zmq.h>
#include <errno.h>

// Swift cannot see function-like macros or call C variadics, and zmq_msg_t must stay at a stable
// address. These inline helpers expose what the Swift wrapper needs as plain functions.

/// errno of the calling thread, read right after a failed zmq_* call.
static inline int czmq_errno(void) { return zmq_errno(); }

static inline int czmq_eagain(void) { return EAGAIN; }
static inline int czmq_eintr(void) { return EINTR; }
static inline int czmq_eterm(void) { return ETERM; }
static inline int czmq_efsm(void) { return EFSM; }
static inline int czmq_ehostunreach(void) { return EHOSTUNREACH; }
static inline int czmq_enotsock(void) { return ENOTSOCK; }
static inline int czmq_einval(void) { return EINVAL; }

#endif
