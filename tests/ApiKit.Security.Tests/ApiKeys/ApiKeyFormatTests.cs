using System.Text;
using ApiKit.Security.ApiKeys;
using FsCheck;
using FsCheck.Fluent;

namespace ApiKit.Security.Tests.ApiKeys;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Crc32_CheckValue_Matches() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void Generate_ProducesScannableKeyThatParses()
    {
        var (key, id) = ApiKeyFormat.Generate("apk");

        Assert.Matches("^apk_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}$", key);
        Assert.Equal(ApiKeyValidationStatus.Valid, ApiKeyFormat.Parse(key, "apk", out var parsedId));
        Assert.Equal(id, parsedId);
        Assert.NotEqual(key, ApiKeyFormat.Generate("apk").Key);
    }

    [Fact]
    public void Parse_AnySingleCharacterTypo_IsRefusedWithoutLookup()
    {
        var (key, _) = ApiKeyFormat.Generate("apk");
        const string replacements = "0aZ9_-x";
        for (var position = 0; position < key.Length; position++)
        {
            foreach (var replacement in replacements)
            {
                if (key[position] == replacement)
                {
                    continue;
                }

                var typo = new StringBuilder(key) { [position] = replacement }.ToString();
                Assert.NotEqual(ApiKeyValidationStatus.Valid, ApiKeyFormat.Parse(typo, "apk", out _));
            }
        }
    }

    [Fact]
    public void Parse_SwappedAdjacentCharacters_IsRefused()
    {
        Prop.ForAll(
            Gen.Choose(0, 53).ToArbitrary(),
            position =>
            {
                var (key, _) = ApiKeyFormat.Generate("apk");
                var chars = key.ToCharArray();
                (chars[position], chars[position + 1]) = (chars[position + 1], chars[position]);
                var swapped = new string(chars);
                return swapped == key || ApiKeyFormat.Parse(swapped, "apk", out _) != ApiKeyValidationStatus.Valid;
            }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("")]
    [InlineData("apk")]
    [InlineData("apk_short_key")]
    [InlineData("xyz_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("apk-AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("apk_AAAAAAAAAAA!_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("apk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA€")]
    public void Parse_Malformed_IsMalformed(string key) => Assert.Equal(ApiKeyValidationStatus.Malformed, ApiKeyFormat.Parse(key, "apk", out _));

    [Fact]
    public void Parse_RightShapeWrongChecksum_IsChecksumMismatch() =>
        Assert.Equal(ApiKeyValidationStatus.ChecksumMismatch, ApiKeyFormat.Parse("apk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "apk", out _));
}
