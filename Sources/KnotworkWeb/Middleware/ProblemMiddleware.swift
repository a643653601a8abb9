import Foundation
import KnotworkCore
import Vapor

/// RFC 9457 problem details for the API, an HTML page for everything else. Never leaks internals:
/// unexpected errors are logged (without request bodies) and answered with a generic 500.
struct ProblemMiddleware: AsyncMiddleware {
    struct Problem: Content {
        var type: String
        var title: String
        var status: Int
        var detail: String?
        var instance: String?
        var errors: [FieldError]?
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    static func classify(_ error: any Error, request: Request) -> (HTTPStatus, String?, [FieldError]?, HTTPHeaders) {
        switch error {
        case let v as ValidationFailure:
            return (.unprocessableEntity, "The request has invalid fields.", v.errors, [:])
        case let d as DecodingError:
            return (.badRequest, "The request body could not be read.", [Self.fieldError(d)], [:])
        case let a as any AbortError:
            var detail: String? = a.reason
            if detail == a.status.reasonPhrase { detail = nil }
            if a.status == .payloadTooLarge { detail = "The request body is too large." }
            return (a.status, detail, nil, a.headers)
        default:
            request.logger.error("unhandled error", metadata: ["type": .string(String(reflecting: type(of: error)))])
            return (.internalServerError, "Something went wrong; the change was not saved.", nil, [:])
        }
    }

    static func fieldError(_ error: DecodingError) -> FieldError {
        func path(_ c: [any CodingKey]) -> String {
            c.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let ctx): return FieldError(path(ctx.codingPath), "must be of type \(type)")
        case .valueNotFound(_, let ctx): return FieldError(path(ctx.codingPath), "is required")
        case .keyNotFound(let key, let ctx): return FieldError(path(ctx.codingPath + [key]), "is required")
        case .dataCorrupted(let ctx):
            return FieldError(ctx.codingPath.isEmpty ? "body" : path(ctx.codingPath),
                              ctx.codingPath.isEmpty ? "is not valid JSON" : ctx.debugDescription)
        @unknown default: return FieldError("body", "could not be read")
        }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let (status, detail, fields, extra) = self.classify(error, request: request)
        let response: Response
        if request.isAPI || request.headers.accept.mediaTypes.contains(where: { $0.subType == "problem+json" }) {
            let problem = Problem(type: "about:blank", title: status.reasonPhrase, status: Int(status.code),
                                  detail: detail, instance: request.url.path, errors: fields)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            response = Response(status: status, body: .init(data: (try? encoder.encode(problem)) ?? Data()))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        } else {
            response = ErrorPage.response(status: status, detail: detail, request: request)
        }
        for (name, value) in extra where name.lowercased() != "content-type" {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }
}
