// libFuzzer target: the v1 wire decoder (docs/protocol.md) on arbitrary bytes.
//
// Decoding must be total (a message or a ProtocolError, never a trap, leak or hang). When a message decodes, the
// round trip is checked as a property: it re-encodes without error, the re-encoded bytes decode to an equal
// message, and encoding that again gives the same bytes.
import DriftProtocol

/// Stops the run with the property that failed; libFuzzer records the input as a crash.
func fail(_ property: String) -> Never {
    fatalError("wire round trip: \(property)")
}

func reencoded(_ message: WireMessage) -> [UInt8] {
    do throws(ProtocolError) {
        switch message {
        case .events(let batch): return batch.encoded()
        case .labels(let batch): return try batch.encoded()
        case .acknowledgement(let acknowledgement): return try acknowledgement.encoded()
        }
    } catch {
        fail("a decoded message does not re-encode: \(error)")
    }
}

/// Reads every event the way the engine does, so column bookkeeping errors (ranges, indices) show up here.
func touchEvents(of batch: EventBatch) -> Int {
    var checksum = 0
    for view in batch.events {
        let event = view.event
        checksum &+= event.numericFeatures.count &+ event.categoricalFeatures.count
        checksum &+= event.requestID?.utf8.count ?? 0
        if batch.encodedSize != batch.encoded().count { fail("encodedSize differs from the encoded length") }
        break
    }
    for index in batch.events.indices {
        let view = batch.events[index]
        checksum &+= view.requestID?.utf8.count ?? 0
        for position in 0..<batch.schema.categoricalCount {
            checksum &+= view.categoricalFeature(at: position)?.utf8.count ?? 0
        }
        for name in batch.customMetricNames where view.customMetric(named: name) != nil { checksum &+= 1 }
        if case .probabilities(let classes) = view.prediction { checksum &+= classes.count }
    }
    return checksum
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? WireMessage.messageType(of: bytes)
    _ = try? WireMessage.batchHeader(of: bytes)
    guard let message = try? WireMessage(decoding: bytes) else { return 0 }
    if case .events(let batch) = message { _ = touchEvents(of: batch) }

    let first = reencoded(message)
    let again: WireMessage
    do throws(ProtocolError) {
        again = try WireMessage(decoding: first)
    } catch {
        fail("re-encoded bytes do not decode: \(error)")
    }
    if again != message { fail("decode(encode(message)) differs from message") }
    if reencoded(again) != first { fail("encoding is not stable across a round trip") }
    return 0
}
