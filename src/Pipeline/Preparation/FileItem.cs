namespace Pipeline;

/// <summary>Represents one file of a multipart/form-data body (requests' <c>files</c> tuple).</summary>
public sealed class FileItem
{
    /// <summary>Initializes a new instance of the <see cref="FileItem"/> class from bytes.</summary>
    /// <param name="fileName">The file name sent in Content-Disposition.</param>
    /// <param name="content">The file content.</param>
    /// <param name="contentType">The part's Content-Type, or <see langword="null"/> to send none (as requests).</param>
    /// <exception cref="ArgumentNullException"><paramref name="fileName"/> or <paramref name="content"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidHeaderException"><paramref name="contentType"/> holds CR, LF or another control character, which would add a part header.</exception>
    public FileItem(string fileName, byte[] content, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        FileName = fileName;
        Bytes = content;
        ContentType = ValidContentType(contentType);
    }

    /// <summary>Initializes a new instance of the <see cref="FileItem"/> class from a stream, read from its current position.</summary>
    /// <param name="fileName">The file name sent in Content-Disposition.</param>
    /// <param name="content">The file content.</param>
    /// <param name="contentType">The part's Content-Type, or <see langword="null"/> to send none (as requests).</param>
    /// <exception cref="ArgumentNullException"><paramref name="fileName"/> or <paramref name="content"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidHeaderException"><paramref name="contentType"/> holds CR, LF or another control character, which would add a part header.</exception>
    public FileItem(string fileName, Stream content, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        FileName = fileName;
        Stream = content;
        ContentType = ValidContentType(contentType);
    }

    /// <summary>Gets the file name.</summary>
    public string FileName { get; }

    /// <summary>Gets the part's Content-Type, or <see langword="null"/>.</summary>
    public string? ContentType { get; }

    /// <summary>Gets the content when given as bytes.</summary>
    public byte[]? Bytes { get; }

    /// <summary>Gets the content when given as a stream.</summary>
    public Stream? Stream { get; }

    // The part's Content-Type is written as a header line of the body: CR or LF would start another header.
    private static string? ValidContentType(string? contentType)
    {
        if (contentType is not null)
        {
            HeaderRules.Validate("Content-Type", contentType);
        }

        return contentType;
    }
}
