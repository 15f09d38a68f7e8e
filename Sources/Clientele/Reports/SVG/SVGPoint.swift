/// A point in data or canvas coordinates.
struct SVGPoint: Sendable, Equatable {
    var x: Double
    var y: Double
    init(x: Double, y: Double) { self.x = x; self.y = y }
}
