import ClienteleSupport
import ClienteleLinear

extension KMeans {
    /// Mean silhouette (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
    /// validation of cluster analysis", J. Comput. Appl. Math. 20) of several labelings of the
    /// same `sample` rows, in one pass over the sample's pairwise Euclidean distances.
    ///
    /// For row i of cluster A (sizes counted within the sample): a(i) = mean distance to the
    /// other rows of A, b(i) = smallest mean distance to the rows of another cluster,
    /// s(i) = (b − a)/max(a, b), and s(i) = 0 when A has one row in the sample (scikit-learn
    /// `silhouette_samples`). The score is the mean of s over the sample.
    /// - Complexity: O(s² (d + L)) for s sample rows and L labelings; O(s · Σk) memory per thread block.
    package static func silhouetteScores(_ x: Matrix, sample: [Int], labelings: [[Int32]], clusterCounts: [Int]) -> [Double] {
        let s = sample.count, d = x.columns
        let points = x.selectingRows(sample)
        // Per labeling: the sample's labels and cluster sizes in the sample.
        let labels: [[Int32]] = labelings.map { l in sample.map { l[$0] } }
        let offsets = clusterCounts.reduce(into: [0]) { $0.append($0.last! + $1) }
        var sizes = [Int](repeating: 0, count: offsets.last!)
        for (l, lab) in labels.enumerated() { for c in lab { sizes[offsets[l] + Int(c)] += 1 } }
        let rowBlocks = splitBlocks(s, size: 64)
        let parts = splitBlocks(rowBlocks.count, size: 4)  // runs of 4 row blocks, spread over the threads
        var silhouette = [Double](repeating: 0, count: labelings.count * s)  // [labeling][row]
        silhouette.withUnsafeMutableBufferPointer { out in
            let shared = UncheckedSendable(out)
            points.elements.withUnsafeBufferPointer { p in
                parallelFor(parts.count) { part in
                    var sums = [Double](repeating: 0, count: offsets.last!)
                    for b in parts[part] {
                        for i in rowBlocks[b] {
                            for e in sums.indices { sums[e] = 0 }
                            for j in 0..<s where j != i {
                                var dist2 = 0.0
                                for f in 0..<d { let t = p[i * d + f] - p[j * d + f]; dist2 += t * t }
                                let dist = dist2.squareRoot()
                                for l in labels.indices { sums[offsets[l] + Int(labels[l][j])] += dist }
                            }
                            for l in labels.indices {
                                let own = Int(labels[l][i])
                                let ownSize = sizes[offsets[l] + own]
                                var value = 0.0
                                if ownSize > 1 {
                                    let a = sums[offsets[l] + own] / Double(ownSize - 1)
                                    var b = Double.infinity
                                    for c in 0..<clusterCounts[l] where c != own && sizes[offsets[l] + c] > 0 {
                                        b = min(b, sums[offsets[l] + c] / Double(sizes[offsets[l] + c]))
                                    }
                                    let denominator = max(a, b)
                                    value = b.isFinite && denominator > 0 ? (b - a) / denominator : 0
                                }
                                shared.value[l * s + i] = value
                            }
                        }
                    }
                }
            }
        }
        return labelings.indices.map { l in
            var total = 0.0
            for i in 0..<s { total += silhouette[l * s + i] }
            return s > 0 ? total / Double(s) : 0
        }
    }
}
