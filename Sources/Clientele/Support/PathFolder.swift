/// The folder part of a path ("" for a bare file name): where a job file's relative paths, a
/// report's staging folder and the rejects file are resolved.
package func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
