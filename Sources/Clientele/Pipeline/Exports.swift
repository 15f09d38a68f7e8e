// The pipeline sits on top of every other Clientele target; re-exporting them keeps one
// `import Clientele` enough for the CLI, the tests and library users.
@_exported import ClienteleIngest
@_exported import ClienteleKernels
@_exported import ClienteleLinear
@_exported import ClienteleReports
@_exported import ClienteleStats
@_exported import ClienteleStore
@_exported import ClienteleSupport
@_exported import ClienteleSynthetic
