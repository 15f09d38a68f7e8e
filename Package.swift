// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Clientele",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Clientele", targets: ["Clientele"]),
        .executable(name: "clientele", targets: ["clientele"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACK", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev", "liblapack-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Only what Swift's Glibc module does not expose: renameat2(RENAME_EXCHANGE) for atomic report swaps.
        .target(name: "CSupport"),
        .target(
            name: "Clientele",
            dependencies: [
                "CBLAS", "CLAPACK", "CSQLite", "CSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "clientele",
            dependencies: [
                "Clientele",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ClienteleTests",
            dependencies: ["Clientele"]
        ),
    ]
)
