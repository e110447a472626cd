using System.Formats.Tar;
using System.Globalization;

namespace Pipeline.RequestsSuite;

/// <summary>
/// requests' tests/test_utils.py <c>TestSuperLen</c>. <c>super_len</c> is the length a body is sent with, 0 when it cannot
/// be known (then requests sends it chunked): here, the Content-Length of the prepared request, or 0 without one.
/// BytesIO is a <see cref="MemoryStream"/>; Python's text streams (StringIO) have no .NET counterpart, so the cases
/// that only need a position use a <see cref="MemoryStream"/> too.
/// </summary>
public sealed class TestSuperLen
{
    [Fact]
    public void test_io_streams()
    {
        // The BytesIO row; the StringIO and cStringIO rows are in NOT-PORTED-others.md.
        Assert.Equal(0, SuperLen(new MemoryStream()));
        Assert.Equal(4, SuperLen(new MemoryStream("Test"u8.ToArray())));
    }

    [Fact]
    public void test_super_len_correctly_calculates_len_of_partially_read_file()
    {
        // Ensure that we handle partially consumed file like objects.
        var s = new MemoryStream();
        s.Write("foobarbogus"u8);

        Assert.Equal(0, SuperLen(s));
    }

    [Theory]
    [InlineData("IOError")]
    [InlineData("OSError")]
    public void test_super_len_handles_files_raising_weird_errors_in_tell(string error)
    {
        // If tell() raises errors, assume the cursor is at position zero. Python 3's IOError and OSError are one class,
        // .NET's IOException; a .NET stream whose position fails says so with CanSeek = false.
        Assert.Equal(0, SuperLen(new BoomFile(error, length: 5)));
    }

    [Theory]
    [InlineData("IOError")]
    [InlineData("OSError")]
    public void test_super_len_tell_ioerror(string error)
    {
        // Ensure that if tell gives an IOError super_len doesn't fail.
        Assert.Equal(0, SuperLen(new BoomFile(error, length: null)));
    }

    [Fact]
    public void test_string()
    {
        Assert.Equal(4, SuperLen("Test"));
    }

    [Fact]
    public void test_file()
    {
        // The "rb" row; a text-mode ("r") file is Python-only.
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "test.txt");
        File.WriteAllText(path, "Test");

        using var fd = File.OpenRead(path);
        Assert.Equal(4, SuperLen(fd));
    }

    [Fact]
    public void test_tarfile_member()
    {
        var tmpdir = Directory.CreateTempSubdirectory().FullName;
        var fileObj = Path.Combine(tmpdir, "test.txt");
        File.WriteAllText(fileObj, "Test");
        var tarObj = Path.Combine(tmpdir, "test.tar");
        using (var tar = new TarWriter(File.Create(tarObj)))
        {
            tar.WriteEntry(fileObj, "test.txt");
        }

        using var reader = new TarReader(File.OpenRead(tarObj));
        var member = reader.GetNextEntry()!.DataStream!;

        Assert.Equal(4, SuperLen(member));
    }

    [Fact]
    public void test_super_len_with_tell()
    {
        var foo = new MemoryStream("12345"u8.ToArray());
        Assert.Equal(5, SuperLen(foo));

        foo.ReadExactly(new byte[2]);
        Assert.Equal(3, SuperLen(foo));
    }

    [Fact]
    public void test_super_len_with_fileno()
    {
        var path = typeof(TestSuperLen).Assembly.Location;

        long length;
        byte[] fileData;
        using (var f = File.OpenRead(path))
        {
            length = SuperLen(f);
            using var copy = new MemoryStream();
            f.CopyTo(copy);
            fileData = copy.ToArray();
        }

        Assert.Equal(fileData.Length, length);
    }

    /// <summary>The length the body is sent with: the prepared Content-Length, or 0 (sent chunked) without one.</summary>
    private static long SuperLen(RequestData data)
    {
        using var session = new Session();
        var prepared = session.PrepareRequest(new Request("POST", "http://example.com/") { Data = data });
        return prepared.Headers["Content-Length"] is { } length ? long.Parse(length, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>A file whose tell() fails: requests' BoomFile (with <c>__len__</c>) or NoLenBoomFile (without).</summary>
    private sealed class BoomFile(string error, long? length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length ?? throw new NotSupportedException();

        public override long Position
        {
            get => throw new IOException(error);
            set => throw new IOException(error);
        }

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => 0;

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
