using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class AgencyDirectoryTests
{
    [Fact]
    public void An_agency_is_found_by_its_id()
    {
        var agency = Samples.Directory.Find("CJIT-LEEDS");
        Assert.Equal(new Agency("CJIT-LEEDS", AgencyTypes.Cjit, "Leeds CJIT"), agency);
    }

    [Fact]
    public void An_unknown_id_finds_nothing() => Assert.Null(Samples.Directory.Find("XYZ"));

    [Fact]
    public void Ids_match_exactly() => Assert.Null(Samples.Directory.Find("cjit-leeds"));

    [Fact]
    public void All_lists_every_agency_in_the_order_given()
    {
        var directory = new AgencyDirectory([new Agency("SFI", AgencyTypes.Prison, "HMP Stafford"), new Agency("B82005", AgencyTypes.Gp, "Practice")]);
        Assert.Equal(["SFI", "B82005"], directory.All.Select(a => a.Id));
    }

    [Fact]
    public void A_duplicate_id_is_refused_naming_the_id()
    {
        var error = Assert.Throws<ArgumentException>(() => new AgencyDirectory(
        [
            new Agency("BMI", AgencyTypes.Prison, "HMP Birmingham"),
            new Agency("BMI", AgencyTypes.Prison, "Another"),
        ]));
        Assert.Contains("BMI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agency_of_an_unknown_type_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AgencyDirectory([new Agency("FQ123", "pharmacy", "Chemist")]));
        Assert.Contains("FQ123", error.Message, StringComparison.Ordinal);
    }
}
