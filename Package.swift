// swift-tools-version: 6.0
import PackageDescription

// Targets follow the one-way data flow; each imports only the ones listed before it:
//
//   ClienteleSupport   parallel loops, exit statuses and errors, progress, trace, seeded random numbers
//   ClienteleStats     distributions, special functions, optimisers, ranks and radix sorts  (Support)
//   ClienteleLinear    BLAS/LAPACK wrappers, matrices, Cholesky                             (Support)
//   ClienteleStore     calendar days, customer index, order/interaction/customer tables    (Support, Stats)
//   ClienteleIngest    CSV files or PostgreSQL COPY → Store; gzip (zlib), encodings (iconv)  (Support, Stats, Store)
//   ClienteleKernels   RFM, cohorts, k-means, CLV, churn, correlations over the Store      (Support, Stats, Linear, Store)
//   ClienteleReports   CSV/JSON/Markdown/HTML/history writers of kernel results; PostgreSQL results (libpq)  (Support, Stats, Store, Kernels)
//   ClienteleSynthetic synthetic populations from the kernels' models                      (Support, Stats, Store, Kernels)
//   Clientele          the pipeline (job file, stages, run) over all of them; re-exports them (Pipeline/Exports.swift)
//   clientele          the CLI
//
// Folders map 1:1 to targets (`path:`), so a file's folder says which imports it may use.

// Release builds on x86-64 Linux target x86-64-v3 (AVX2, FMA, BMI2: Intel Haswell, 2013, AMD Zen
// and later), as Polars' default wheels do: the vectorised loops take about a tenth less CPU over
// the default pipeline, with the same bits (Swift never contracts a * b + c into a fused
// multiply-add). Sources/CSupport/cpu_check.c stops such a build on an older processor with exit
// status 69 and a message. CLIENTELE_PORTABLE=1 in the environment builds for any x86-64.
let portable = Context.environment["CLIENTELE_PORTABLE"] == "1"
#if arch(x86_64)
let processorSettings: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release))]
let processorCheck: [CSetting] = portable ? [] : [.define("CLIENTELE_X86_64_V3", .when(platforms: [.linux], configuration: .release))]
#else
let processorSettings: [SwiftSetting] = []
let processorCheck: [CSetting] = []
#endif

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
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Only what Swift's Glibc module does not expose: renameat2(RENAME_EXCHANGE) for atomic report swaps,
        // malloc settings; and the processor check of x86-64-v3 release builds (cpu_check.c).
        .target(name: "CSupport", cSettings: processorCheck),
        .target(name: "ClienteleSupport", path: "Sources/Clientele/Support", swiftSettings: processorSettings),
        .target(name: "ClienteleStats", dependencies: ["ClienteleSupport"], path: "Sources/Clientele/Stats", swiftSettings: processorSettings),
        .target(name: "ClienteleLinear", dependencies: ["ClienteleSupport", "CBLAS", "CLAPACK"], path: "Sources/Clientele/Linear", swiftSettings: processorSettings),
        .target(name: "ClienteleStore", dependencies: ["ClienteleSupport", "ClienteleStats"], path: "Sources/Clientele/Store", swiftSettings: processorSettings),
        .target(
            name: "ClienteleIngest",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleStore", "CZlib", "CPostgres"],
            path: "Sources/Clientele/Ingest",
            swiftSettings: processorSettings
        ),
        .target(
            name: "ClienteleKernels",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleLinear", "ClienteleStore", "CSupport"],
            path: "Sources/Clientele/Kernels",
            swiftSettings: processorSettings
        ),
        .target(
            name: "ClienteleReports",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleStore", "ClienteleKernels", "CSQLite", "CSupport", "CPostgres"],
            path: "Sources/Clientele/Reports",
            swiftSettings: processorSettings
        ),
        .target(
            name: "ClienteleSynthetic",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleStore", "ClienteleKernels"],
            path: "Sources/Clientele/Synthetic",
            swiftSettings: processorSettings
        ),
        .target(
            name: "Clientele",
            dependencies: [
                "ClienteleSupport", "ClienteleStats", "ClienteleLinear", "ClienteleStore", "ClienteleIngest",
                "ClienteleKernels", "ClienteleReports", "ClienteleSynthetic",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/Clientele/Pipeline",
            swiftSettings: processorSettings
        ),
        .executableTarget(
            name: "clientele",
            dependencies: [
                "Clientele",
                "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: processorSettings
        ),
        .testTarget(
            name: "ClienteleTests",
            dependencies: ["Clientele"]
        ),
    ]
)
