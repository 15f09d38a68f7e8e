// swift-tools-version: 6.0
// The churn benchmark driver: builds the design matrix from generated data and times the fit.
// Depends on the Clientele library by path (default: the repository root three levels up;
// CLIENTELE_ROOT overrides it, e.g. to time a snapshot of the tree).
import Foundation
import PackageDescription

let rootPath = ProcessInfo.processInfo.environment["CLIENTELE_ROOT"] ?? "../../.."
let rootURL = URL(fileURLWithPath: rootPath, relativeTo: URL(fileURLWithPath: Context.packageDirectory + "/")).standardized
let identity = rootURL.lastPathComponent.lowercased()

let package = Package(
    name: "ChurnBench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: rootURL.path)],
    targets: [
        .executableTarget(
            name: "churn-bench",
            dependencies: [.product(name: "Clientele", package: identity)]
        ),
    ]
)
