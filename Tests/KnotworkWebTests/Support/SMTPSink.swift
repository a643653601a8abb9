import Foundation
import Testing

/// A real SMTP server for the outbox tests: `tests/smtp/sink.py` (aiosmtpd, installed by `make deps`), started per
/// test on a free port of 127.0.0.1 and stopped when the test ends.
struct SMTPSink: Sendable {
    var port: Int
    /// The sink's self-signed certificate, to trust (with `starttls`).
    var ca: String?
    var spool: URL

    struct Message: Decodable, Sendable {
        var from: String
        var to: [String]
        var subject: String
        var message_id: String
        var from_header: String
        var body: String
        var tls: Bool
        var auth: String?
    }

    /// Every message the sink accepted, in arrival order.
    func messages() throws -> [Message] {
        let names = try FileManager.default.contentsOfDirectory(atPath: self.spool.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { try JSONDecoder().decode(Message.self, from: Data(contentsOf: self.spool.appendingPathComponent($0))) }
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tests/smtp/sink.py").path
    }
}

func withSMTPSink<T>(starttls: Bool = false, auth: String? = nil, _ body: (SMTPSink) async throws -> T) async throws -> T {
    let spool = FileManager.default.temporaryDirectory.appendingPathComponent("kw-smtp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", SMTPSink.script, "--spool", spool.path] + (starttls ? ["--starttls"] : []) + (auth.map { ["--auth", $0] } ?? [])
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    defer {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: spool)
    }
    // The first line says where it listens; EOF means it could not start (aiosmtpd missing: `make deps`).
    var line = Data()
    while true {
        let byte = output.fileHandleForReading.readData(ofLength: 1)
        if byte.isEmpty || byte == Data("\n".utf8) { break }
        line.append(byte)
    }
    let ready = String(decoding: line, as: UTF8.self)
    var fields: [String: String] = [:]
    for part in ready.split(separator: " ").dropFirst() {
        let kv = part.split(separator: "=", maxSplits: 1)
        if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
    }
    guard ready.hasPrefix("READY"), let port = fields["port"].flatMap(Int.init) else {
        throw SMTPSink.StartFailure(description: "tests/smtp/sink.py did not start (\(ready)); run `make deps` to install aiosmtpd")
    }
    let sink = SMTPSink(port: port, ca: fields["ca"] == "-" ? nil : fields["ca"], spool: spool)
    return try await body(sink)
}
