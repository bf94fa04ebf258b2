#include "zmq_baseline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

struct sender_args {
    void *context;
    char endpoint[256];
    int messages;
    int size;
    int status;
};

static void *sender(void *raw) {
    struct sender_args *args = raw;
    void *push = zmq_socket(args->context, ZMQ_PUSH);
    int linger = -1;
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(push, args->endpoint) != 0) { args->status = -1; zmq_close(push); return NULL; }
    char *payload = calloc(1, (size_t)args->size);
    for (int i = 0; i < args->messages; i++) {
        while (zmq_send(push, payload, (size_t)args->size, 0) < 0) {
            if (zmq_errno() != EINTR) { args->status = -1; goto done; }
        }
    }
done:
    free(payload);
    zmq_close(push);
    return NULL;
}

int zmq_baseline_push_pull(const char *endpoint, int messages, int size) {
    void *context = zmq_ctx_new();
    void *pull = zmq_socket(context, ZMQ_PULL);
    int linger = 0;
    zmq_setsockopt(pull, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(pull, endpoint) != 0) { zmq_close(pull); zmq_ctx_term(context); return -1; }
    struct sender_args args = { .context = context, .messages = messages, .size = size, .status = 0 };
    size_t length = sizeof args.endpoint;
    zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, args.endpoint, &length);
    pthread_t thread;
    pthread_create(&thread, NULL, sender, &args);
    zmq_msg_t message;
    zmq_msg_init(&message);
    int status = 0;
    for (int i = 0; i < messages; i++) {
        if (zmq_msg_recv(&message, pull, 0) < 0) {
            if (zmq_errno() == EINTR) { i--; continue; }
            status = -1;
            break;
        }
    }
    zmq_msg_close(&message);
    pthread_join(thread, NULL);
    zmq_close(pull);
    zmq_ctx_term(context);
    return status != 0 ? status : args.status;
}
