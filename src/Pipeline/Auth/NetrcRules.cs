namespace Pipeline;

/// <summary>requests' <c>get_netrc_auth</c>: <c>$NETRC</c>, else <c>~/.netrc</c> or <c>~/_netrc</c>; the host's entry or <c>default</c>; the port is ignored.</summary>
internal static class NetrcRules
{
    // Finding ~/.netrc costs two file-system checks per request: OverheadBenchmark measured 11.7 µs per request without
    // this cache and 8.1 µs with it. The file's text is reused for one second, so a new or edited file is seen within a second.
    // A changed $NETRC takes effect at once.
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private static NetrcSnapshot? _snapshot;

    /// <summary>Returns the credentials for a host, or null. Unreadable or malformed files are ignored, as requests does.</summary>
    public static BasicAuth? GetNetrcAuth(Uri url)
    {
        // Without a netrc file the URL's host is never computed (the Uri builds its parts on first use).
        var tokens = ReadNetrc();
        return tokens is null || string.IsNullOrEmpty(url.Host) ? null : Lookup(tokens, url.IdnHost);
    }

    /// <summary>Finds the machine entry for <paramref name="host"/> or the default entry; login (or account) and password.</summary>
    public static BasicAuth? Lookup(string text, string host) => Lookup(Tokenize(text), host);

    // The file's tokens, not its text, are kept: a session with a ~/.netrc would otherwise tokenize it on every request.
    private static List<string>? ReadNetrc()
    {
        var explicitPath = Environment.GetEnvironmentVariable("NETRC");
        var now = Environment.TickCount64;
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null && snapshot.ExplicitPath == explicitPath && now - snapshot.ReadAt < (long)Recheck.TotalMilliseconds)
        {
            return snapshot.Tokens;
        }

        string? text = null;
        if (FindFile(explicitPath) is { } path)
        {
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var tokens = text is null ? null : Tokenize(text);
        Volatile.Write(ref _snapshot, new NetrcSnapshot(explicitPath, now, tokens));
        return tokens;
    }

    private static BasicAuth? Lookup(List<string> tokens, string host)
    {
        (string? Login, string? Account, string? Password)? match = null;
        (string? Login, string? Account, string? Password)? fallback = null;
        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i++];
            if (token == "macdef")
            {
                // A macro runs to the next blank line; its body was dropped by Tokenize.
                i++;
                continue;
            }

            if (token != "machine" && token != "default")
            {
                continue;
            }

            var isDefault = token == "default";
            var machine = isDefault ? null : (i < tokens.Count ? tokens[i++] : null);
            string? login = null, account = null, password = null;
            while (i < tokens.Count && tokens[i] is not ("machine" or "default" or "macdef"))
            {
                var key = tokens[i++];
                var value = i < tokens.Count ? tokens[i++] : null;
                switch (key)
                {
                    case "login":
                        login = value;
                        break;
                    case "account":
                        account = value;
                        break;
                    case "password":
                        password = value;
                        break;
                }
            }

            // Python's netrc keeps the last entry of a name, and requests looks the (lower-case) host up exactly.
            if (!isDefault && string.Equals(machine, host, StringComparison.Ordinal))
            {
                match = (login, account, password);
            }
            else if (isDefault)
            {
                fallback = (login, account, password);
            }
        }

        var entry = match ?? fallback;
        if (entry is not { } found)
        {
            return null;
        }

        // requests' get_netrc_auth: the login, else the account, else ""; an entry with nothing at all gives no auth.
        var user = !string.IsNullOrEmpty(found.Login) ? found.Login : found.Account ?? string.Empty;
        if (user.Length == 0 && string.IsNullOrEmpty(found.Password))
        {
            return null;
        }

        try
        {
            // requests sends netrc credentials through HTTPBasicAuth, so ISO-8859-1 first.
            return new BasicAuth(user, found.Password ?? string.Empty);
        }
        catch (ArgumentException)
        {
            return new BasicAuth(user, found.Password ?? string.Empty, System.Text.Encoding.UTF8);
        }
    }

    private static string? FindFile(string? explicitPath)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        // requests: a set $NETRC is the only place looked at (expanduser'd), even when it is empty or missing.
        if (explicitPath is not null)
        {
            var path = explicitPath == "~" || explicitPath.StartsWith("~/", StringComparison.Ordinal)
                ? home + explicitPath[1..]
                : explicitPath;
            return path.Length > 0 && File.Exists(path) ? path : null;
        }

        if (string.IsNullOrEmpty(home))
        {
            return null;
        }

        foreach (var name in (string[])[".netrc", "_netrc"])
        {
            var candidate = Path.Combine(home, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var inMacro = false;
        foreach (var raw in lines)
        {
            if (inMacro)
            {
                inMacro = raw.Trim().Length != 0;
                continue;
            }

            var line = raw.TrimStart();
            if (line.StartsWith('#'))
            {
                continue;
            }

            var parts = SplitTokens(line);
            for (var p = 0; p < parts.Count; p++)
            {
                if (parts[p].StartsWith('#') && p > 0)
                {
                    break;
                }

                tokens.Add(parts[p]);
                if (parts[p] == "macdef")
                {
                    inMacro = true;
                    if (p + 1 < parts.Count)
                    {
                        tokens.Add(parts[p + 1]);
                    }

                    break;
                }
            }
        }

        return tokens;
    }

    // Python's netrc lexer: tokens split on whitespace; a token in double quotes keeps its spaces, and a backslash takes
    // the next character as it is, in or out of quotes.
    private static List<string> SplitTokens(string line)
    {
        var tokens = new List<string>();
        var token = new System.Text.StringBuilder();
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] is ' ' or '\t')
            {
                i++;
                continue;
            }

            token.Clear();
            var quoted = line[i] == '"';
            if (quoted)
            {
                i++;
            }

            while (i < line.Length)
            {
                var ch = line[i++];
                if (ch == '\\' && i < line.Length)
                {
                    token.Append(line[i++]);
                }
                else if (quoted ? ch == '"' : ch is ' ' or '\t')
                {
                    break;
                }
                else
                {
                    token.Append(ch);
                }
            }

            tokens.Add(token.ToString());
        }

        return tokens;
    }
}
