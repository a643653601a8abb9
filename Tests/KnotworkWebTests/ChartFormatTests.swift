import Foundation
import Testing
@testable import KnotworkWeb

/// The chart's number text is made with integer arithmetic for speed; it must read exactly as printf's would
/// (`%.Nf`, trailing zeros dropped, never "-0").
@Suite struct ChartFormatTests {
    static func printf(_ v: Double, _ d: Int) -> String {
        var s = String(format: "%.\(d)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    @Test(arguments: [0, 1, 2, 3, 6])
    func fixedReadsAsPrintf(decimals: Int) {
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 2.675, 6.666666666666667, 20.0 / 3, -20.0 / 3, 99.995, 0.004, 1e-7,
                                123_456_789.123, -0.0049, 10, 100, 0.1, 0.2, 0.3]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Double.random(in: -1000...1000, using: &g).rounded(toPlaces: Int.random(in: 0...7, using: &g))) }
        for v in values {
            #expect(ProgressChartSVG.fixed(v, decimals: decimals) == Self.printf(v, decimals), "\(v) with \(decimals) decimals")
        }
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        let m = Foundation.pow(10.0, Double(p))
        return (self * m).rounded() / m
    }
}
