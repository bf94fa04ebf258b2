import DriftProtocol
import DriftStatistics

extension ModelMonitor {
    /// Ingests a batch in chunks that end exactly at evaluation points and at the reference freeze, so the output
    /// does not depend on how events were split into batches.
    mutating func ingest(_ batch: EventBatch, scratch: inout [Double]) -> [AlertNotification] {
        let n = batch.count
        guard n > 0 else { return [] }
        var notifications: [AlertNotification] = []
        // Per-batch maps from batch positions to streams (allocated per batch, never per event).
        let numericMap = batch.schema.numericNames.map { numericStream(named: $0) ?? -1 }
        let categoricalMap = batch.schema.categoricalNames.map { categoricalStream(named: $0) ?? -1 }
        let dropped = numericMap.filter { $0 < 0 }.count + categoricalMap.filter { $0 < 0 }.count
        droppedFeatureValues &+= UInt64(dropped * n)
        var translations = categoricalMap.map { _ in
            [UInt16](repeating: CategoricalStream.unresolved, count: batch.dictionary.count)
        }
        var predictionTranslation = [UInt16](repeating: CategoricalStream.unresolved, count: batch.dictionary.count)
        let classHashes = configuration.accuracy.enabled ? batch.dictionary.map(stableHash) : []
        let customMap = customMetricMap(batch.customMetricNames)
        let times = batch.timestamps
        if firstEventTime == nil {
            firstEventTime = times[0]
            lastEvaluationTime = times[0]
        }

        var start = 0
        while start < n {
            var end = n
            if configuration.evaluateEveryEvents > 0 {
                end = min(end, start + max(1, configuration.evaluateEveryEvents - eventsSinceEvaluation))
            }
            if referenceTarget > 0 {
                end = min(end, start + max(1, referenceTarget - referenceEvents))
            }
            var timeDue = false
            if configuration.evaluateEveryNanoseconds > 0, let last = lastEvaluationTime {
                let due = last &+ configuration.evaluateEveryNanoseconds
                for k in start..<end where times[k] >= due {
                    end = k + 1
                    timeDue = true
                    break
                }
            }
            ingestRange(
                batch,
                start..<end,
                numericMap: numericMap,
                categoricalMap: categoricalMap,
                translations: &translations,
                predictionTranslation: &predictionTranslation,
                classHashes: classHashes,
                customMap: customMap,
                scratch: &scratch
            )
            eventsSinceEvaluation += end - start
            let countDue =
                configuration.evaluateEveryEvents > 0 && eventsSinceEvaluation >= configuration.evaluateEveryEvents
            if countDue || timeDue {
                notifications += evaluate(at: lastEventTime, scratch: &scratch)
            }
            start = end
        }
        return notifications
    }

    private func customMetricMap(_ names: [String]) -> [Int] {
        guard configuration.customMetrics.enabled else { return [] }
        return names.map { customMetricNames.firstIndex(of: $0) ?? -2 }
    }

    private mutating func ingestRange(
        _ batch: EventBatch,
        _ range: Range<Int>,
        numericMap: [Int],
        categoricalMap: [Int],
        translations: inout [[UInt16]],
        predictionTranslation: inout [UInt16],
        classHashes: [UInt64],
        customMap: [Int],
        scratch: inout [Double]
    ) {
        let startHead = head
        let cap = capacity
        let trackLatency = configuration.latency.enabled
        let collectingReference = referenceTarget > 0 && referenceEvents < referenceTarget
        // Column by column: each column array is fetched from the batch once (a call into DriftProtocol) and
        // walked through its buffer, so the loops below touch no reference counts and no bounds checks.
        let timestampColumn = batch.timestamps
        let outcomeColumn = batch.outcomeCodes
        timestampColumn.withUnsafeBufferPointer { times in
            var latest = lastEventTime
            timestamps.withUnsafeMutableBufferPointer { ring in
                var pos = startHead
                for k in range {
                    let ts = times[k]
                    ring[pos] = ts
                    if ts > latest { latest = ts }
                    pos += 1
                    if pos == cap { pos = 0 }
                }
            }
            lastEventTime = latest
            for k in range { traffic.observe(times[k]) }
        }
        outcomeColumn.withUnsafeBufferPointer { outcomes in
            errorFlags.withUnsafeMutableBufferPointer { ring in
                var pos = startHead
                for k in range {
                    ring[pos] = outcomes[k] != 0 ? 1 : 0
                    pos += 1
                    if pos == cap { pos = 0 }
                }
            }
            if errorDetector.update(errorCodes: outcomes, range: range) { errorDrift = true }
        }
        if trackLatency {
            // The sketches and the detector are independent: each takes the run's usable latencies in order.
            batch.latencies.withUnsafeBufferPointer { latencies in
                if var sketch = latencySketch {
                    latencySketch = nil
                    for k in range {
                        let latency = latencies[k]
                        if !latency.isNaN && latency >= 0 { sketch.observe(latency) }
                    }
                    latencySketch = sketch
                }
                if latencyDetector.update(latencies: latencies, range: range) { latencyChange = true }
                if collectingReference, var sketch = referenceLatencySketch {
                    referenceLatencySketch = nil
                    for k in range {
                        let latency = latencies[k]
                        if !latency.isNaN && latency >= 0 { sketch.observe(latency) }
                    }
                    referenceLatencySketch = sketch
                }
            }
        }
        if collectingReference {
            let take = min(range.count, referenceTarget - referenceEvents)
            for k in range.lowerBound..<(range.lowerBound + take) {
                if outcomeColumn[k] != 0 { referenceErrors += 1 }
                referenceRange.start = min(referenceRange.start, timestampColumn[k])
                referenceRange.end = max(referenceRange.end, timestampColumn[k])
            }
            referenceEvents += take
        }
        // Numeric features: one strided copy per column.
        let nc = batch.schema.numericCount
        batch.numericValues.withUnsafeBufferPointer { column in
            for (position, stream) in numericMap.enumerated() where stream >= 0 {
                numeric[stream].ingest(column, offset: position, stride: nc, range: range, head: startHead)
            }
        }
        // Categorical features: dictionary index → stream code through a per-batch table.
        let cc = batch.schema.categoricalCount
        let indexColumn = batch.categoricalIndices
        for (position, stream) in categoricalMap.enumerated() where stream >= 0 {
            var table = translations[position]
            translations[position] = []
            indexColumn.withUnsafeBufferPointer { indices in
                var codes = categorical[stream].ring
                categorical[stream].ring = []
                codes.withUnsafeMutableBufferPointer { ring in
                    var p = startHead
                    for k in range {
                        let index = indices[k &* cc &+ position]
                        var code = CategoricalStream.missingCode
                        if index != WireFormat.missingIndex {
                            code = table[Int(index)]
                            if code == CategoricalStream.unresolved {
                                code = categorical[stream].code(for: batch.dictionary[Int(index)])
                                table[Int(index)] = code
                            }
                        }
                        ring[p] = code
                        p += 1
                        if p == cap { p = 0 }
                    }
                }
                categorical[stream].ring = codes
                categorical[stream].collect(codes, from: startHead, count: range.count)
            }
            translations[position] = table
        }
        ingestPredictions(batch, range, predictionTranslation: &predictionTranslation, classHashes: classHashes)
        if configuration.customMetrics.enabled && !customMap.isEmpty {
            ingestCustomMetrics(batch, range, customMap)
        }
        head = (startHead + range.count) % cap
        filled = min(cap, filled + range.count)
        eventsSeen += UInt64(range.count)
        freezeReferences(scratch: &scratch)
    }

    private mutating func ingestPredictions(
        _ batch: EventBatch,
        _ range: Range<Int>,
        predictionTranslation: inout [UInt16],
        classHashes: [UInt64]
    ) {
        let cap = capacity
        let join = configuration.accuracy.enabled
        let maxPending = configuration.accuracy.maxPending
        var p = head
        let kinds = batch.predictionKinds
        let numbers = batch.predictionNumbers
        let classes = batch.predictionClasses
        let idEnds = batch.requestIDEnds
        let times = batch.timestamps
        // Join registrations are collected, then made together after the loop (`LabelJoin.expect(_:maxPending:)`).
        withUnsafeTemporaryAllocation(of: LabelJoin.Request.self, capacity: join ? range.count : 0) { requests in
            var requestCount = 0
            batch.requestIDBytes.withUnsafeBytes { idBytes in
                for k in range {
                    var number = Double.nan
                    var classIndex = WireFormat.missingIndex
                    switch kinds[k] {
                    case .absent: break
                    case .number: number = numbers[k]
                    case .classLabel: classIndex = classes[k]
                    case .probabilities:
                        var best = -Double.infinity
                        for j in batch.probabilityRange(of: k) where batch.probabilityValues[j] > best {
                            best = batch.probabilityValues[j]
                            classIndex = batch.probabilityClasses[j]
                        }
                    }
                    if !number.isNaN {
                        if predictionNumeric == nil { makePredictionNumeric() }
                    }
                    if classIndex != WireFormat.missingIndex && predictionCategorical == nil {
                        makePredictionCategorical()
                    }
                    predictionNumeric?.write(number, at: p)
                    if predictionCategorical != nil {
                        var code = CategoricalStream.missingCode
                        if classIndex != WireFormat.missingIndex {
                            code = predictionTranslation[Int(classIndex)]
                            if code == CategoricalStream.unresolved {
                                code = predictionCategorical?.code(for: batch.dictionary[Int(classIndex)]) ?? code
                                predictionTranslation[Int(classIndex)] = code
                            }
                        }
                        predictionCategorical?.write(code, at: p)
                    }
                    if join {
                        let idStart = k == 0 ? 0 : Int(idEnds[k - 1])
                        let idEnd = Int(idEnds[k])
                        if idEnd > idStart && (classIndex != WireFormat.missingIndex || !number.isNaN) {
                            let key = stableHash(bytes: UnsafeRawBufferPointer(rebasing: idBytes[idStart..<idEnd]))
                            let classHash = classIndex == WireFormat.missingIndex ? 0 : classHashes[Int(classIndex)]
                            requests[requestCount] = LabelJoin.Request(
                                key: key,
                                timestamp: times[k],
                                number: number,
                                classHash: classHash
                            )
                            requestCount += 1
                        }
                    }
                    p += 1
                    if p == cap { p = 0 }
                }
            }
            if requestCount > 0 {
                labels.expect(UnsafeBufferPointer(rebasing: requests[0..<requestCount]), maxPending: maxPending)
            }
        }
    }

    private mutating func ingestCustomMetrics(_ batch: EventBatch, _ range: Range<Int>, _ map: [Int]) {
        let count = batch.customMetricNames.count
        for (position, name) in batch.customMetricNames.enumerated() {
            var index = map[position]
            if index == -2 {
                if let existing = customMetricNames.firstIndex(of: name) {
                    index = existing
                } else if customMetricNames.count < configuration.customMetrics.maxMetrics {
                    let s = configuration.customMetrics
                    let detectorConfiguration = RobustAnomalyDetector.Configuration(
                        windowSize: s.windowSize,
                        threshold: s.threshold,
                        refractoryPeriod: s.refractoryPeriod,
                        warmUp: s.warmUp
                    )
                    guard detectorConfiguration.validationFailures.isEmpty else { continue }
                    customMetricNames.append(name)
                    customDetectors.append(RobustAnomalyDetector(configuration: detectorConfiguration))
                    customAlarms.append(nil)
                    index = customMetricNames.count - 1
                } else {
                    continue
                }
            }
            guard index >= 0 else { continue }
            for k in range {
                let value = batch.customMetricValues[k * count + position]
                guard !value.isNaN else { continue }
                let verdict = customDetectors[index].observe(value, at: batch.timestamps[k])
                if verdict.isAlarm { customAlarms[index] = verdict }
            }
        }
    }

    /// Freezes first-events references whose collection is complete.
    private mutating func freezeReferences(scratch: inout [Double]) {
        if referenceTarget > 0 && referenceEvents >= referenceTarget {
            referenceErrorRate = Double(referenceErrors) / Double(referenceEvents)
            if referenceRange.end > referenceRange.start && referenceEvents > 1 {
                referenceRate = Double(referenceEvents - 1) / (Double(referenceRange.end - referenceRange.start) / 1e9)
            }
            if let sketch = referenceLatencySketch, sketch.count > 0, let p50 = sketch.quantile(0.5),
                let p95 = sketch.quantile(0.95), let p99 = sketch.quantile(0.99)
            {
                referenceLatency = Baseline.LatencySummary(count: Int(sketch.count), p50: p50, p95: p95, p99: p99)
            }
            referenceLatencySketch = nil
            referenceTarget = 0
        }
        let range = TimeRange(start: firstEventTime ?? 0, end: lastEventTime)
        for i in numeric.indices where numeric[i].collectTarget > 0 {
            numeric[i].freezeIfCollected(
                range: range,
                sampleSize: configuration.referenceSampleSize,
                bins: configuration.bins,
                scratch: &scratch
            )
        }
        for i in categorical.indices where categorical[i].collectTarget > 0 {
            categorical[i].freezeIfCollected(range: range)
        }
        predictionNumeric?.freezeIfCollected(
            range: range,
            sampleSize: configuration.referenceSampleSize,
            bins: configuration.bins,
            scratch: &scratch
        )
        predictionCategorical?.freezeIfCollected(range: range)
    }

    /// Joins a label batch's labels for this model version.
    mutating func ingest(_ labelsToJoin: [Label]) {
        guard configuration.accuracy.enabled else { return }
        let positive = configuration.accuracy.positiveClass.map(stableHash)
        for label in labelsToJoin {
            var id = label.requestID
            let key = id.withUTF8 { stableHash(bytes: UnsafeRawBufferPointer($0)) }
            _ = labels.join(key: key, truth: label.groundTruth, positiveHash: positive)
        }
        let window = configuration.accuracy.windowLabels
        if labels.referenceMetric == nil && labels.outcomeCount >= window {
            labels.referenceMetric = labels.metric(configuration.accuracy.metric)
        }
    }
}
