import ArgumentParser
import DriftCollector
import DriftEngine

/// `driftwatch config`: configuration tools.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a collector configuration file.",
        subcommands: [ConfigCheckCommand.self]
    )
}

/// `driftwatch config check FILE`: validates a YAML configuration and prints every problem with its line.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a YAML configuration file; exit 0 when valid, 1 with every problem listed otherwise.",
        discussion: """
            Problems are printed as FILE:LINE:COLUMN: KEY.PATH: what was expected. With --model, also prints the \
            configuration that model would get (defaults <- glob pattern <- exact name) as JSON.
            """
    )

    @Argument(help: "The configuration file.")
    var file: String

    @Option(help: "Show the resolved configuration of this model name.")
    var model: String?

    func run() throws {
        let resolver: ConfigurationResolver
        do {
            resolver = try ConfigurationFile.load(path: file)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        print("\(file): valid (\(resolver.patterns.count) pattern(s), \(resolver.models.count) model(s))")
        if let model {
            print(try ResolvedConfigurationPrinter.json(resolver.configuration(forModel: model)))
        }
    }
}
