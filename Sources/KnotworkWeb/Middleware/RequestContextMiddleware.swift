import Foundation
import Vapor

/// Gives each request an id and sets the security headers on every response, errors included.
struct RequestContextMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let incoming = request.headers.first(name: "X-Request-ID")
        if let incoming, (8...64).contains(incoming.count),
           incoming.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            request.requestID = incoming
        } else {
            request.requestID = UUID().uuidString.lowercased()
        }
        request.logger[metadataKey: "request-id"] = .string(request.requestID)
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        // The route pattern, never the concrete path or query: those can carry patient identifiers.
        let elapsed = ContinuousClock.now - start
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .string(request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"),
            "status": .stringConvertible(response.status.code),
            "ms": .stringConvertible((Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded()),
        ])
        let h = response.headers
        var headers = h
        headers.replaceOrAdd(name: "X-Request-ID", value: request.requestID)
        // A route may send a stricter policy of its own (a scanned document is sandboxed); none sends a looser one.
        if !h.contains(name: "Content-Security-Policy") {
            headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        }
        // Nothing here is for another origin's pages to embed (a scanned order, an image, a page).
        headers.replaceOrAdd(name: "Cross-Origin-Resource-Policy", value: "same-origin")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        headers.replaceOrAdd(name: "Cross-Origin-Opener-Policy", value: "same-origin")
        headers.replaceOrAdd(name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()")
        // Patient data must not be kept by browsers or proxies (ONC 170.315(d)(7), ASVS 8.2.1).
        // Only the static stylesheet and script may be cached.
        if !request.url.path.hasPrefix("/static/") {
            headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            headers.replaceOrAdd(name: "Pragma", value: "no-cache")
        }
        if request.application.knotwork.settings.tls != nil {
            headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        response.headers = headers
        return response
    }
}
