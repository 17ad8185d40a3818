using System.Text;
using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>The self-written scrypt against RFC 7914 §12's test vectors (the 1 GiB fourth one is left out).</summary>
public sealed class ScryptTests
{
    [Theory]
    [InlineData("", "", 16, 1, 1,
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")]
    [InlineData("password", "NaCl", 1024, 8, 16,
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")]
    [InlineData("pleaseletmein", "SodiumChloride", 16384, 8, 1,
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")]
    public void Rfc7914_test_vectors(string password, string salt, int n, int r, int p, string expectedHex)
    {
        var derived = Scrypt.DeriveKey(Encoding.ASCII.GetBytes(password), Encoding.ASCII.GetBytes(salt), n, r, p, 64);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(derived));
    }

    [Fact]
    public void Output_length_is_a_pbkdf2_prefix()
    {
        // dkLen only changes the final PBKDF2 step: a shorter key is a prefix of a longer one.
        var long64 = Scrypt.DeriveKey("password"u8, "NaCl"u8, 16, 1, 1, 64);
        var short16 = Scrypt.DeriveKey("password"u8, "NaCl"u8, 16, 1, 1, 16);
        Assert.Equal(long64[..16], short16);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1000, 1, 1)]
    [InlineData(16, 0, 1)]
    [InlineData(16, 1, 0)]
    public void Invalid_parameters_throw_for_direct_callers(int n, int r, int p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Scrypt.DeriveKey("p"u8, "s"u8, n, r, p, 64));
}
