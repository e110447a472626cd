namespace Pipeline;

/// <summary>The file formats <see cref="CookieJar.SaveAsync(string, CookieFileFormat, CancellationToken)"/> writes and reads.</summary>
public enum CookieFileFormat
{
    /// <summary>A JSON array of cookies with every attribute.</summary>
    Json,

    /// <summary>The Netscape <c>cookies.txt</c> format written by curl and browser exporters (<c>#HttpOnly_</c> prefix included).</summary>
    Netscape,
}
