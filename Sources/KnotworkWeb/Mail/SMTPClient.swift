import Foundation
import KnotworkCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// How Knotwork reaches the clinic's mail relay (from the environment, see `Settings`).
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS (RFC 3207) before anything else; refused if the server does not offer it.
        case startTLS = "starttls"
        /// TLS from the first byte (RFC 8314 "implicit TLS", usually port 465).
        case tls
        /// No encryption: only for a relay on the same host. Credentials are never sent this way.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The envelope sender and the From address.
    public var from: String
    public var fromName: String
    /// The name Knotwork gives in EHLO.
    public var helo: String
    /// A PEM file of further trust roots (a relay with a private certificate authority).
    public var caFile: String?
    /// The longest a whole conversation with the server may take.
    public var timeout: TimeInterval

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String,
                fromName: String = "Knotwork", helo: String = "knotwork.localhost", caFile: String? = nil, timeout: TimeInterval = 30) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.fromName = fromName
        self.helo = helo
        self.caFile = caFile
        self.timeout = timeout
    }

    /// The domain of the From address, for Message-IDs.
    public var domain: String { self.from.split(separator: "@").last.map(String.init) ?? "knotwork.localhost" }
}

/// One reply from the server: its code and its lines' texts (RFC 5321 §4.2).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]
    var text: String { self.lines.joined(separator: " ") }
}

/// Splits the server's bytes into replies. A line ends in CRLF; each line of a reply but the last has "-" after the code.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    static let maxLine = 4096
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLine { throw SMTPError.protocolViolation("a reply line longer than \(Self.maxLine) bytes") }
            return .needMoreData
        }
        let length = newline - view.startIndex + 1
        guard var utf8 = buffer.readBytes(length: length) else { return .needMoreData }
        // Bytes, not Characters: Swift reads "\r\n" as one Character.
        while let last = utf8.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { utf8.removeLast() }
        let line = String(decoding: utf8, as: UTF8.self)
        guard utf8.count >= 3, let code = Int(String(decoding: utf8[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            throw SMTPError.protocolViolation("not an SMTP reply: \(line.prefix(80))")
        }
        let more = utf8.count > 3 && utf8[3] == UInt8(ascii: "-")
        self.lines.append(utf8.count > 4 ? String(decoding: utf8[4...], as: UTF8.self) : "")
        if !more {
            context.fireChannelRead(Self.wrapInboundOut(SMTPReply(code: code, lines: self.lines)))
            self.lines = []
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

enum SMTPError: Error, CustomStringConvertible {
    case protocolViolation(String)
    case closed
    case refused(SMTPReply)
    case notOffered(String)

    var description: String {
        switch self {
        case .protocolViolation(let what): "protocol error: \(what)"
        case .closed: "the server closed the connection"
        case .refused(let reply): "\(reply.code) \(reply.text)"
        case .notOffered(let what): "the server does not offer \(what)"
        }
    }
}

/// The message as it goes over the wire (RFC 5322 headers, a plain-text body in base64 so that any relay passes it
/// unchanged, whatever its 8BITMIME support).
struct SMTPEnvelope: Sendable {
    var from: String
    var fromName: String
    var to: String
    var subject: String
    var body: String
    var messageID: String
    var date: Date

    var wireText: String {
        var headers = [
            "Date: " + Self.rfc5322Date(self.date),
            "From: " + Self.encodedWords(self.fromName) + " <" + self.from + ">",
            "To: <" + self.to + ">",
            "Subject: " + Self.encodedWords(self.subject),
            "Message-ID: " + self.messageID,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
        ]
        headers.append("")
        let canonical = self.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let base64 = Data(canonical.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n" + base64 + "\r\n"
    }

    /// The DATA payload with every line that starts with a dot doubled (RFC 5321 §4.5.2), without the final dot.
    var dataPayload: String {
        self.wireText.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }

    /// ASCII text as it is; anything else as RFC 2047 encoded words of at most 75 characters, folded.
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) { return text }
        var words: [String] = []
        var chunk = ""
        for ch in text {
            if chunk.utf8.count + String(ch).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(ch)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }
}

/// An SMTP client for one message per connection, on SwiftNIO (no SMTP library is mirrored for Swift). It speaks
/// RFC 5321 with STARTTLS (RFC 3207) or implicit TLS, AUTH PLAIN (RFC 4616), and never falls back to plain text.
struct SMTPClient: Sendable {
    var settings: SMTPSettings
    var group: any EventLoopGroup

    /// Delivers one message. `beforeFinalDot` runs after the whole message went out and before the final dot; when it
    /// returns false the client hangs up instead (the server then discards the message).
    func send(_ envelope: SMTPEnvelope, beforeFinalDot: @Sendable () async throws -> Bool) async -> DeliveryOutcome {
        var pastFinalDot = false
        let errors = PipelineErrors()
        do {
            let tls = try self.tlsContext()
            let host = self.settings.host
            let implicitTLS = self.settings.security == .tls
            let channel = try await ClientBootstrap(group: self.group)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: self.settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(host)))
                        }
                        try channel.pipeline.syncOperations.addHandler(errors)
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            // One deadline for the whole conversation: a server that stops answering is hung up on.
            let deadline = channel.channel.eventLoop.scheduleTask(in: .milliseconds(Int64(self.settings.timeout * 1000))) {
                channel.channel.close(promise: nil)
            }
            defer { deadline.cancel() }
            return try await channel.executeThenClose { inbound, outbound in
                var conversation = Conversation(replies: inbound.makeAsyncIterator(), outbound: outbound)
                try conversation.expect(try await conversation.next(), 220)
                var capabilities = try await self.hello(&conversation)
                if self.settings.security == .startTLS {
                    guard capabilities.contains("STARTTLS"), let tls else { throw SMTPError.notOffered("STARTTLS") }
                    try conversation.expect(try await conversation.command("STARTTLS"), 220)
                    try await channel.channel.eventLoop.submit {
                        try channel.channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(host)), position: .first)
                    }.get()
                    capabilities = try await self.hello(&conversation)
                }
                if let user = self.settings.username, let password = self.settings.password {
                    guard capabilities.contains(where: { $0.hasPrefix("AUTH") && $0.split(separator: " ").contains("PLAIN") }) else {
                        throw SMTPError.notOffered("AUTH PLAIN")
                    }
                    let token = Data(("\u{0}" + user + "\u{0}" + password).utf8).base64EncodedString()
                    try conversation.expect(try await conversation.command("AUTH PLAIN " + token), 235)
                }
                try conversation.expect(try await conversation.command("MAIL FROM:<\(envelope.from)>"), 250)
                try conversation.expect(try await conversation.command("RCPT TO:<\(envelope.to)>"), 250, 251)
                try conversation.expect(try await conversation.command("DATA"), 354)
                try await conversation.write(envelope.dataPayload)
                guard try await beforeFinalDot() else { return .temporary("The worker no longer held the message; it stopped before the end.") }
                pastFinalDot = true
                let accepted = try await conversation.command(".")
                try? await conversation.write("QUIT\r\n")
                switch accepted.code {
                case 200...299: return .delivered
                default: return DeliveryOutcome.refusal(code: accepted.code, text: accepted.text)
                }
            }
        } catch SMTPError.refused(let reply) {
            return DeliveryOutcome.refusal(code: reply.code, text: reply.text)
        } catch {
            // The pipeline's own error (a failed TLS handshake) says more than the closed channel it leads to.
            let text = errors.first ?? "\(error)"
            return pastFinalDot ? .unknown("No reply after the message was sent: \(text)") : .temporary(text)
        }
    }

    /// EHLO and the server's extensions (each reply line after the first), upper-cased.
    private func hello(_ c: inout Conversation) async throws -> [String] {
        let reply = try await c.command("EHLO " + self.settings.helo)
        try c.expect(reply, 250)
        return reply.lines.dropFirst().map { $0.uppercased() }
    }

    private func tlsContext() throws -> NIOSSLContext? {
        guard self.settings.security != .none else { return nil }
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        if let ca = self.settings.caFile { config.additionalTrustRoots = [.file(ca)] }
        return try NIOSSLContext(configuration: config)
    }

    /// SNI carries names only; for an address the certificate is checked against the address itself.
    static func sniName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// Keeps the first error the pipeline reports.
    final class PipelineErrors: ChannelInboundHandler, Sendable {
        typealias InboundIn = NIOAny
        private let box = NIOLockedValueBox<String?>(nil)
        var first: String? { self.box.withLockedValue { $0 } }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.box.withLockedValue { if $0 == nil { $0 = "\(error)" } }
            context.fireErrorCaught(error)
        }
    }

    struct Conversation {
        var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
        var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        mutating func next() async throws -> SMTPReply {
            guard let reply = try await self.replies.next() else { throw SMTPError.closed }
            return reply
        }

        func write(_ text: String) async throws {
            try await self.outbound.write(ByteBuffer(string: text))
        }

        mutating func command(_ line: String) async throws -> SMTPReply {
            try await self.write(line + "\r\n")
            return try await self.next()
        }

        func expect(_ reply: SMTPReply, _ codes: Int...) throws {
            guard codes.contains(reply.code) else { throw SMTPError.refused(reply) }
        }
    }
}
