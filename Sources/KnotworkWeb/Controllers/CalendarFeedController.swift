import Foundation
import KnotworkCore
import KnotworkStore
import Vapor

/// Calendar feeds: the feed itself (open: its secret is the credential) and the account page's make and revoke.
struct CalendarFeedController {
    @Sendable func feed(req: Request) async throws -> Response {
        guard let segment = req.parameters.get("feed"), segment.hasSuffix(".ics"), segment.count > 4 else { throw Abort(.notFound) }
        let text = try await CalendarFeedActions.ics(token: String(segment.dropLast(4)), on: req)
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    @Sendable func create(req: Request) async throws -> Response {
        let made = try await CalendarFeedActions.create(on: req)
        let host = req.headers.first(name: .host) ?? "localhost"
        let url = "\(req.isSecure ? "https" : "http")://\(host)\(made.path)"
        return try await AccountController().page(req, newToken: nil, errors: [], status: .ok, flash: "Feed made.", newFeedURL: url)
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        try await CalendarFeedActions.revoke(try req.pathID("feedID"), on: req)
        return req.redirect(to: Paths.account + "#calendar-feeds", redirectType: .normal)
    }
}
