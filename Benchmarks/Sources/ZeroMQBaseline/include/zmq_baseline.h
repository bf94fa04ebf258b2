#ifndef ZMQ_BASELINE_H
#define ZMQ_BASELINE_H

/// Raw libzmq PUSH -> PULL throughput probe, written in plain C as the baseline for the Swift wrapper.
/// A sender thread pushes `messages` messages of `size` bytes to `endpoint` (bound by the receiver, "*" ports
/// resolved); the calling thread receives them all. Returns 0 on success, -1 on any libzmq error.
int zmq_baseline_push_pull(const char *endpoint, int messages, int size);

#endif
