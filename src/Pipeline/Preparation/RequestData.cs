namespace Pipeline;

/// <summary>
/// Represents requests' <c>data</c> argument: form fields, a string, bytes, a stream or any <see cref="HttpContent"/>.
/// </summary>
/// <remarks>
/// Assign the value directly: <c>Data = new Dictionary&lt;string, string&gt; { ["a"] = "1" }</c>, <c>Data = "text"</c>.
/// Form fields are sent as <c>application/x-www-form-urlencoded</c>; strings (as UTF-8) and bytes get no
/// Content-Type, as requests. A stream is sent with its remaining length when it can seek, else chunked.
/// </remarks>
public sealed class RequestData
{
    private RequestData(IReadOnlyList<KeyValuePair<string, string?>>? form, string? text, byte[]? bytes, Stream? stream, HttpContent? content)
    {
        Form = form;
        Text = text;
        Bytes = bytes;
        Stream = stream;
        Content = content;
    }

    /// <summary>Gets the form fields, or <see langword="null"/> when the data is not a form.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>>? Form { get; }

    /// <summary>Gets the text body, or <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>Gets the byte body, or <see langword="null"/>.</summary>
    public byte[]? Bytes { get; }

    /// <summary>Gets the stream body, or <see langword="null"/>.</summary>
    public Stream? Stream { get; }

    /// <summary>Gets the content body, or <see langword="null"/>.</summary>
    public HttpContent? Content { get; }

    /// <summary>Gets a value indicating whether the data is empty (requests treats empty data as no data).</summary>
    public bool IsEmpty =>
        (Form is not null && Form.Count == 0) || (Text is not null && Text.Length == 0) || (Bytes is not null && Bytes.Length == 0);

    /// <summary>Converts form fields.</summary>
    /// <param name="form">The fields; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(form))]
    public static implicit operator RequestData?(Dictionary<string, string>? form) => form is null ? null : FromForm(form!);

    /// <summary>Converts a text body, sent as UTF-8.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static implicit operator RequestData?(string? text) => text is null ? null : new(null, text, null, null, null);

    /// <summary>Converts a byte body.</summary>
    /// <param name="bytes">The bytes; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(bytes))]
    public static implicit operator RequestData?(byte[]? bytes) => bytes is null ? null : new(null, null, bytes, null, null);

    /// <summary>Converts a stream body.</summary>
    /// <param name="stream">The stream; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(stream))]
    public static implicit operator RequestData?(Stream? stream) => stream is null ? null : FromStream(stream);

    /// <summary>Converts an <see cref="HttpContent"/> body, sent as it is.</summary>
    /// <param name="content">The content; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(content))]
    public static implicit operator RequestData?(HttpContent? content) => content is null ? null : FromContent(content);

    /// <summary>Creates form data; a key may repeat and <see langword="null"/> values are dropped, as requests' <c>urlencode</c>.</summary>
    /// <param name="fields">The fields in order.</param>
    /// <returns>The data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fields"/> is <see langword="null"/>.</exception>
    public static RequestData FromForm(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return new(fields.ToList(), null, null, null, null);
    }

    /// <summary>Creates form data from a dictionary.</summary>
    /// <param name="fields">The fields.</param>
    /// <returns>The data.</returns>
    public static RequestData FromDictionary(Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return FromForm(fields!);
    }

    /// <summary>Creates a text body, sent as UTF-8.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The data.</returns>
    public static RequestData FromString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(null, text, null, null, null);
    }

    /// <summary>Creates a byte body.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The data.</returns>
    public static RequestData FromByteArray(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new(null, null, bytes, null, null);
    }

    /// <summary>Creates a stream body, read from its current position.</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>The data.</returns>
    public static RequestData FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(null, null, null, stream, null);
    }

    /// <summary>Creates a body from an <see cref="HttpContent"/>, sent as it is.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The data.</returns>
    public static RequestData FromContent(HttpContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new(null, null, null, null, content);
    }
}
