using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline;

/// <summary>
/// Represents a user-created request (requests' <c>Request</c>); <see cref="Session.PrepareRequest"/> merges it with the
/// session's settings into a <see cref="PreparedRequest"/>.
/// </summary>
public sealed class Request
{
    /// <summary>Initializes a new instance of the <see cref="Request"/> class.</summary>
    /// <param name="method">The HTTP method; it is upper-cased when prepared.</param>
    /// <param name="url">The URL, absolute or relative to the session's <see cref="Session.BaseAddress"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="method"/> is empty or not an HTTP token (a space, CR, LF or NUL in it).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is <see langword="null"/>.</exception>
    public Request(string method, string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        Method = HeaderRules.ValidateMethod(method, nameof(method));
        Url = url;
    }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the URL.</summary>
    public string Url { get; }

    /// <summary>Gets or sets query parameters merged over the session's.</summary>
    public QueryParams? Params { get; set; }

    /// <summary>Gets or sets headers merged over the session's.</summary>
    public HeaderMap? Headers { get; set; }

    /// <summary>Gets or sets the body (form fields, text, bytes, stream or content).</summary>
    public RequestData? Data { get; set; }

    /// <summary>Gets or sets a value serialized as the JSON body when <see cref="Data"/> is empty.</summary>
    /// <remarks>Setting it serializes by reflection; in trimmed and Native AOT apps use <see cref="SetJson{T}(T, JsonTypeInfo{T})"/>.</remarks>
    public object? Json
    {
        get => JsonBody?.Value;
        [RequiresUnreferencedCode(Pipeline.JsonBody.ReflectionMessage)]
        [RequiresDynamicCode(Pipeline.JsonBody.ReflectionMessage)]
        set => JsonBody = Pipeline.JsonBody.FromObject(value);
    }

    /// <summary>Gets or sets files sent as multipart/form-data.</summary>
    public FileMap? Files { get; set; }

    /// <summary>Gets or sets the auth for this request; <see cref="Pipeline.Auth.None"/> turns the session's off.</summary>
    public Auth? Auth { get; set; }

    /// <summary>Gets or sets cookies sent with this request only (never stored in the session).</summary>
    public IDictionary<string, string>? Cookies { get; set; }

    /// <summary>Gets or sets hooks that replace the session's hooks for this request.</summary>
    public HookMap? Hooks { get; set; }

    /// <summary>Gets or sets the JSON body and how it is serialized.</summary>
    internal JsonBody? JsonBody { get; set; }

    /// <summary>Sets the JSON body, serialized by a source-generated <paramref name="typeInfo"/> (trimming and Native AOT safe).</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value; <see langword="null"/> sends no JSON body.</param>
    /// <param name="typeInfo">The type info, such as <c>AppJsonContext.Default.Item</c>; its options apply, not the session's.</param>
    /// <returns>This request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <see langword="null"/>.</exception>
    public Request SetJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        JsonBody = Pipeline.JsonBody.Create(value, typeInfo);
        return this;
    }

    /// <summary>Returns the method and URL, with credentials redacted.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<Request [{Method}] {Redaction.RedactUrl(Url)}>";
}
