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
        // Only what Swift's Glibc module does not expose: renameat2(RENAME_EXCHANGE) for atomic report swaps.
        .target(name: "CSupport"),
        .target(name: "ClienteleSupport", path: "Sources/Clientele/Support"),
        .target(name: "ClienteleStats", dependencies: ["ClienteleSupport"], path: "Sources/Clientele/Stats"),
        .target(name: "ClienteleLinear", dependencies: ["ClienteleSupport", "CBLAS", "CLAPACK"], path: "Sources/Clientele/Linear"),
        .target(name: "ClienteleStore", dependencies: ["ClienteleSupport", "ClienteleStats"], path: "Sources/Clientele/Store"),
        .target(
            name: "ClienteleIngest",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleStore", "CZlib", "CPostgres"],
            path: "Sources/Clientele/Ingest"
        ),
        .target(
            name: "ClienteleKernels",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleLinear", "ClienteleStore"],
            path: "Sources/Clientele/Kernels"
        ),
        .target(
            name: "ClienteleReports",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleStore", "ClienteleKernels", "CSQLite", "CSupport", "CPostgres"],
            path: "Sources/Clientele/Reports"
        ),
        .target(
            name: "ClienteleSynthetic",
            dependencies: ["ClienteleSupport", "ClienteleStats", "ClienteleStore", "ClienteleKernels"],
            path: "Sources/Clientele/Synthetic"
        ),
        .target(
            name: "Clientele",
            dependencies: [
                "ClienteleSupport", "ClienteleStats", "ClienteleLinear", "ClienteleStore", "ClienteleIngest",
                "ClienteleKernels", "ClienteleReports", "ClienteleSynthetic",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/Clientele/Pipeline"
        ),
        .executableTarget(
            name: "clientele",
            dependencies: [
                "Clientele",
                "CSupport",
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
