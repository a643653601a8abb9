import Foundation
import KnotworkWeb

// Thin entry point: all behaviour lives in KnotworkWeb.
exit(await Knotwork.main(arguments: CommandLine.arguments))
