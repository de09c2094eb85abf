import Compat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(await CompatCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
