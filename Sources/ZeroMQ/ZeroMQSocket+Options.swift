import CZeroMQ

/// Typed socket options. libzmq integer options take a 4-byte `Int32`; durations are milliseconds.
extension ZeroMQSocket {
    func setOption(_ option: Int32, _ value: Int32, _ name: String) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_setsockopt(\(name))")
        var value = value
        _ = try retryingOnInterrupt("zmq_setsockopt(\(name))") {
            zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size)
        }
    }

    func setOption(_ option: Int32, bytes: [UInt8], _ name: String) throws(ZeroMQError) {
        let handle = try liveHandle("zmq_setsockopt(\(name))")
        _ = try retryingOnInterrupt("zmq_setsockopt(\(name))") {
            bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        }
    }

    func intOption(_ option: Int32, _ name: String) throws(ZeroMQError) -> Int32 {
        let handle = try liveHandle("zmq_getsockopt(\(name))")
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        _ = try retryingOnInterrupt("zmq_getsockopt(\(name))") { zmq_getsockopt(handle, option, &value, &size) }
        return value
    }

    func bytesOption(_ option: Int32, capacity: Int, _ name: String) throws(ZeroMQError) -> [UInt8] {
        let handle = try liveHandle("zmq_getsockopt(\(name))")
        var buffer = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        _ = try retryingOnInterrupt("zmq_getsockopt(\(name))") {
            buffer.withUnsafeMutableBytes { zmq_getsockopt(handle, option, $0.baseAddress, &size) }
        }
        return Array(buffer.prefix(size))
    }

    /// Sets how long ``close()`` may wait to deliver queued outgoing messages (`ZMQ_LINGER`); `nil` is forever.
    public func setLinger(_ linger: Duration?) throws(ZeroMQError) {
        let milliseconds = linger.map { Int32(clamping: max($0, .zero).milliseconds) } ?? -1
        try setOption(ZMQ_LINGER, milliseconds, "ZMQ_LINGER")
    }

    /// Outgoing queue limit in messages per peer (`ZMQ_SNDHWM`); 0 means no limit. Set before bind/connect.
    public func setSendHighWaterMark(_ messages: Int32) throws(ZeroMQError) {
        try setOption(ZMQ_SNDHWM, messages, "ZMQ_SNDHWM")
    }

    /// Incoming queue limit in messages per peer (`ZMQ_RCVHWM`); 0 means no limit. Set before bind/connect.
    public func setReceiveHighWaterMark(_ messages: Int32) throws(ZeroMQError) {
        try setOption(ZMQ_RCVHWM, messages, "ZMQ_RCVHWM")
    }

    /// Blocking send timeout (`ZMQ_SNDTIMEO`): after it a blocking send fails with `EAGAIN`. `nil` waits forever.
    public func setSendTimeout(_ timeout: Duration?) throws(ZeroMQError) {
        try setOption(ZMQ_SNDTIMEO, timeout.map { Int32(clamping: $0.milliseconds) } ?? -1, "ZMQ_SNDTIMEO")
    }

    /// Blocking receive timeout (`ZMQ_RCVTIMEO`): after it a blocking receive fails with `EAGAIN`.
    public func setReceiveTimeout(_ timeout: Duration?) throws(ZeroMQError) {
        try setOption(ZMQ_RCVTIMEO, timeout.map { Int32(clamping: $0.milliseconds) } ?? -1, "ZMQ_RCVTIMEO")
    }

    /// Reconnect back-off: first retry after `interval`, doubling up to `maximum` (`ZMQ_RECONNECT_IVL[_MAX]`).
    public func setReconnectInterval(_ interval: Duration, maximum: Duration? = nil) throws(ZeroMQError) {
        try setOption(ZMQ_RECONNECT_IVL, Int32(clamping: interval.milliseconds), "ZMQ_RECONNECT_IVL")
        if let maximum {
            try setOption(ZMQ_RECONNECT_IVL_MAX, Int32(clamping: maximum.milliseconds), "ZMQ_RECONNECT_IVL_MAX")
        }
    }

    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`), so a PUSH with no live peer reports
    /// "would block" instead of queueing into a connection that may never come.
    public func setImmediate(_ enabled: Bool) throws(ZeroMQError) {
        try setOption(ZMQ_IMMEDIATE, enabled ? 1 : 0, "ZMQ_IMMEDIATE")
    }

    /// Operating-system TCP keepalive on this socket's connections.
    /// - Parameters:
    ///   - idle: time without traffic before the first probe; `nil` keeps the OS default.
    ///   - interval: time between probes; `nil` keeps the OS default.
    ///   - count: unanswered probes before the connection is dropped; `nil` keeps the OS default.
    public func setTCPKeepalive(
        enabled: Bool,
        idle: Duration? = nil,
        interval: Duration? = nil,
        count: Int32? = nil
    ) throws(ZeroMQError) {
        try setOption(ZMQ_TCP_KEEPALIVE, enabled ? 1 : 0, "ZMQ_TCP_KEEPALIVE")
        if let idle {
            try setOption(ZMQ_TCP_KEEPALIVE_IDLE, Int32(clamping: idle.components.seconds), "ZMQ_TCP_KEEPALIVE_IDLE")
        }
        if let interval {
            try setOption(
                ZMQ_TCP_KEEPALIVE_INTVL,
                Int32(clamping: interval.components.seconds),
                "ZMQ_TCP_KEEPALIVE_INTVL"
            )
        }
        if let count { try setOption(ZMQ_TCP_KEEPALIVE_CNT, count, "ZMQ_TCP_KEEPALIVE_CNT") }
    }

    /// ZMTP heartbeats: a PING every `interval`; the connection is dropped when no traffic arrives for `timeout`
    /// (defaults to `interval`); `ttl` tells the peer how long to wait for our pings.
    public func setHeartbeat(interval: Duration, timeout: Duration? = nil, ttl: Duration? = nil) throws(ZeroMQError) {
        try setOption(ZMQ_HEARTBEAT_IVL, Int32(clamping: interval.milliseconds), "ZMQ_HEARTBEAT_IVL")
        if let timeout {
            try setOption(ZMQ_HEARTBEAT_TIMEOUT, Int32(clamping: timeout.milliseconds), "ZMQ_HEARTBEAT_TIMEOUT")
        }
        if let ttl { try setOption(ZMQ_HEARTBEAT_TTL, Int32(clamping: ttl.milliseconds), "ZMQ_HEARTBEAT_TTL") }
    }

    /// The identity this socket presents to ROUTER peers (`ZMQ_ROUTING_ID`, 1–255 bytes). Set before connect.
    public func setRoutingID(_ id: [UInt8]) throws(ZeroMQError) {
        guard (1...255).contains(id.count) else {
            throw ZeroMQError(code: czmq_einval(), operation: "zmq_setsockopt(ZMQ_ROUTING_ID)")
        }
        try setOption(ZMQ_ROUTING_ID, bytes: id, "ZMQ_ROUTING_ID")
    }

    /// The routing id in effect.
    public var routingID: [UInt8] {
        get throws(ZeroMQError) { try bytesOption(ZMQ_ROUTING_ID, capacity: 255, "ZMQ_ROUTING_ID") }
    }

    /// Makes a ROUTER fail with `EHOSTUNREACH` instead of silently dropping messages to unknown peers.
    public func setRouterMandatory(_ enabled: Bool) throws(ZeroMQError) {
        try setOption(ZMQ_ROUTER_MANDATORY, enabled ? 1 : 0, "ZMQ_ROUTER_MANDATORY")
    }

    /// Subscribes a SUB socket to messages whose first frame starts with `prefix` (empty: everything).
    public func subscribe(_ prefix: [UInt8] = []) throws(ZeroMQError) {
        try setOption(ZMQ_SUBSCRIBE, bytes: prefix, "ZMQ_SUBSCRIBE")
    }

    /// Subscribes to a topic prefix given as text.
    public func subscribe(_ prefix: String) throws(ZeroMQError) {
        try subscribe(Array(prefix.utf8))
    }

    /// Removes a subscription added with the same prefix.
    public func unsubscribe(_ prefix: [UInt8]) throws(ZeroMQError) {
        try setOption(ZMQ_UNSUBSCRIBE, bytes: prefix, "ZMQ_UNSUBSCRIBE")
    }

    /// Removes a subscription given as text.
    public func unsubscribe(_ prefix: String) throws(ZeroMQError) {
        try unsubscribe(Array(prefix.utf8))
    }

    /// Passes every subscription message, including duplicates, to an XPUB's reader (`ZMQ_XPUB_VERBOSE`).
    public func setXPubVerbose(_ enabled: Bool) throws(ZeroMQError) {
        try setOption(ZMQ_XPUB_VERBOSE, enabled ? 1 : 0, "ZMQ_XPUB_VERBOSE")
    }

    /// Makes this socket a CURVE server with the given secret key: every peer must be a CURVE client that knows
    /// the matching public key. Peers are then authenticated by the ZAP handler for ``setZAPDomain(_:)``, if any.
    public func setCurveServer(secretKey: CurveKey) throws(ZeroMQError) {
        try setOption(ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: secretKey.z85Bytes, "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes this socket a CURVE client of the server whose public key is `serverKey`, presenting `keyPair`.
    public func setCurveClient(serverKey: CurveKey, keyPair: CurveKeyPair) throws(ZeroMQError) {
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: serverKey.z85Bytes, "ZMQ_CURVE_SERVERKEY")
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: keyPair.publicKey.z85Bytes, "ZMQ_CURVE_PUBLICKEY")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: keyPair.secretKey.z85Bytes, "ZMQ_CURVE_SECRETKEY")
    }

    /// The ZAP authentication domain (`ZMQ_ZAP_DOMAIN`); a ZAP handler at `inproc://zeromq.zap.01` decides.
    public func setZAPDomain(_ domain: String) throws(ZeroMQError) {
        try setOption(ZMQ_ZAP_DOMAIN, bytes: Array(domain.utf8), "ZMQ_ZAP_DOMAIN")
    }

    /// The endpoint last bound or connected (`ZMQ_LAST_ENDPOINT`), with an ephemeral port resolved.
    public var lastEndpoint: String {
        get throws(ZeroMQError) {
            let bytes = try bytesOption(ZMQ_LAST_ENDPOINT, capacity: 1024, "ZMQ_LAST_ENDPOINT")
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Current send high-water mark.
    public var sendHighWaterMark: Int32 {
        get throws(ZeroMQError) { try intOption(ZMQ_SNDHWM, "ZMQ_SNDHWM") }
    }

    /// Current receive high-water mark.
    public var receiveHighWaterMark: Int32 {
        get throws(ZeroMQError) { try intOption(ZMQ_RCVHWM, "ZMQ_RCVHWM") }
    }

    /// Current linger in milliseconds (-1: wait forever).
    public var lingerMilliseconds: Int32 {
        get throws(ZeroMQError) { try intOption(ZMQ_LINGER, "ZMQ_LINGER") }
    }
}
