"""What African buyers import from North America: models, specs and new prices (USD, approx.)."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.vehicles.models import BodyType, Drive, Fuel, Transmission

B = BodyType
F = Fuel
T = Transmission
D = Drive


@dataclass(frozen=True)
class ModelSpec:
    make: str
    model: str
    body: BodyType
    seats: int
    years: tuple[int, int]
    new_price_usd: int
    wmis: tuple[str, ...]  # world manufacturer identifiers seen on North American stock
    engines: tuple[tuple[str, Fuel], ...]
    transmissions: tuple[Transmission, ...]
    drives: tuple[Drive, ...]
    trims: tuple[str, ...]
    dims_mm: tuple[int, int, int]  # length, width, height
    weight_kg: int
    weight: int = 3  # how often it appears in stock


GAS = F.GASOLINE
# fmt: off
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("Toyota", "Corolla", B.SEDAN, 5, (2008, 2024), 23000, ("2T1", "5YF", "JTD"),
              (("1.8L I4", GAS), ("2.0L I4", GAS), ("1.8L I4 hybrid", F.HYBRID)),
              (T.AUTOMATIC, T.CVT, T.MANUAL), (D.FWD,), ("L", "LE", "S", "XLE", "SE"),
              (4630, 1780, 1435), 1300, 9),
    ModelSpec("Toyota", "Camry", B.SEDAN, 5, (2008, 2024), 28000, ("4T1", "4T4", "JTD"),
              (("2.5L I4", GAS), ("3.5L V6", GAS), ("2.5L I4 hybrid", F.HYBRID)),
              (T.AUTOMATIC,), (D.FWD,), ("LE", "SE", "XLE", "XSE"), (4885, 1840, 1445), 1500, 8),
    ModelSpec("Toyota", "RAV4", B.SUV, 5, (2009, 2024), 31000, ("2T3", "JTM"),
              (("2.5L I4", GAS), ("2.5L I4 hybrid", F.HYBRID)),
              (T.AUTOMATIC,), (D.FWD, D.AWD), ("LE", "XLE", "Limited", "Adventure"),
              (4600, 1855, 1685), 1600, 8),
    ModelSpec("Toyota", "Hilux", B.PICKUP, 5, (2008, 2020), 33000, ("MR0", "AHT"),
              (("2.8L I4 turbo diesel", F.DIESEL), ("2.7L I4", GAS)),
              (T.MANUAL, T.AUTOMATIC), (D.FOUR_WD, D.RWD), ("SR", "SR5", "Workmate"),
              (5330, 1855, 1815), 2100, 4),
    ModelSpec("Toyota", "Tacoma", B.PICKUP, 5, (2008, 2023), 34000, ("3TM", "5TF"),
              (("2.7L I4", GAS), ("3.5L V6", GAS)),
              (T.AUTOMATIC, T.MANUAL), (D.FOUR_WD, D.RWD), ("SR", "SR5", "TRD Off-Road"),
              (5390, 1890, 1790), 2000, 5),
    ModelSpec("Toyota", "Land Cruiser", B.SUV, 8, (2008, 2021), 85000, ("JTM", "JTE"),
              (("5.7L V8", GAS), ("4.5L V8 turbo diesel", F.DIESEL)),
              (T.AUTOMATIC,), (D.FOUR_WD,), ("GX", "VX", "Heritage"),
              (4990, 1980, 1945), 2700, 4),
    ModelSpec("Toyota", "Land Cruiser Prado", B.SUV, 7, (2008, 2019), 55000, ("JTE",),
              (("2.8L I4 turbo diesel", F.DIESEL), ("4.0L V6", GAS)),
              (T.AUTOMATIC,), (D.FOUR_WD,), ("TX", "TX-L", "VX"), (4840, 1885, 1880), 2300, 2),
    ModelSpec("Toyota", "Highlander", B.SUV, 8, (2008, 2024), 40000, ("5TD",),
              (("3.5L V6", GAS), ("2.5L I4 hybrid", F.HYBRID)),
              (T.AUTOMATIC,), (D.FWD, D.AWD), ("LE", "XLE", "Limited"),
              (4950, 1930, 1730), 2000, 6),
    ModelSpec("Toyota", "Sienna", B.MINIVAN, 8, (2010, 2023), 38000, ("5TD",),
              (("3.5L V6", GAS), ("2.5L I4 hybrid", F.HYBRID)),
              (T.AUTOMATIC,), (D.FWD, D.AWD), ("LE", "XLE"), (5090, 1990, 1740), 2000, 3),
    ModelSpec("Toyota", "4Runner", B.SUV, 7, (2010, 2023), 42000, ("JTE",),
              (("4.0L V6", GAS),), (T.AUTOMATIC,), (D.FOUR_WD,), ("SR5", "TRD Pro", "Limited"),
              (4830, 1925, 1780), 2100, 3),
    ModelSpec("Toyota", "Hiace", B.VAN, 12, (2008, 2018), 35000, ("JTF",),
              (("2.8L I4 turbo diesel", F.DIESEL), ("2.7L I4", GAS)),
              (T.MANUAL, T.AUTOMATIC), (D.RWD,), ("Commuter", "Panel"),
              (5380, 1880, 2285), 2200, 1),
    ModelSpec("Honda", "Accord", B.SEDAN, 5, (2008, 2024), 29000, ("1HG", "JHM"),
              (("2.4L I4", GAS), ("1.5L I4 turbo", GAS), ("3.5L V6", GAS)),
              (T.AUTOMATIC, T.CVT), (D.FWD,), ("LX", "EX", "EX-L", "Sport"),
              (4905, 1860, 1450), 1500, 7),
    ModelSpec("Honda", "Civic", B.SEDAN, 5, (2008, 2024), 24000, ("19X", "2HG"),
              (("1.8L I4", GAS), ("2.0L I4", GAS), ("1.5L I4 turbo", GAS)),
              (T.AUTOMATIC, T.CVT, T.MANUAL), (D.FWD,), ("LX", "EX", "Sport"),
              (4650, 1800, 1415), 1300, 6),
    ModelSpec("Honda", "CR-V", B.SUV, 5, (2008, 2024), 32000, ("2HK", "5J6"),
              (("2.4L I4", GAS), ("1.5L I4 turbo", GAS)),
              (T.AUTOMATIC, T.CVT), (D.FWD, D.AWD), ("LX", "EX", "EX-L", "Touring"),
              (4625, 1855, 1680), 1550, 7),
    ModelSpec("Honda", "Pilot", B.SUV, 8, (2009, 2023), 40000, ("5FN",),
              (("3.5L V6", GAS),), (T.AUTOMATIC,), (D.FWD, D.AWD), ("EX", "EX-L", "Touring"),
              (5000, 1995, 1795), 1950, 4),
    ModelSpec("Honda", "Odyssey", B.MINIVAN, 8, (2009, 2023), 38000, ("5FN",),
              (("3.5L V6", GAS),), (T.AUTOMATIC,), (D.FWD,), ("EX", "EX-L", "Touring"),
              (5160, 1995, 1735), 2000, 2),
    ModelSpec("Lexus", "RX 350", B.SUV, 5, (2009, 2023), 50000, ("2T2", "JTJ"),
              (("3.5L V6", GAS),), (T.AUTOMATIC,), (D.FWD, D.AWD), ("Base", "F Sport"),
              (4890, 1895, 1710), 1950, 6),
    ModelSpec("Lexus", "ES 350", B.SEDAN, 5, (2008, 2023), 44000, ("JTH", "58A"),
              (("3.5L V6", GAS),), (T.AUTOMATIC,), (D.FWD,), ("Base", "Ultra Luxury"),
              (4975, 1865, 1445), 1650, 4),
    ModelSpec("Lexus", "GX 460", B.SUV, 7, (2010, 2023), 60000, ("JTJ",),
              (("4.6L V8", GAS),), (T.AUTOMATIC,), (D.FOUR_WD,), ("Base", "Premium", "Luxury"),
              (4880, 1885, 1875), 2400, 4),
    ModelSpec("Hyundai", "Elantra", B.SEDAN, 5, (2010, 2024), 22000, ("5NP", "KMF"),
              (("2.0L I4", GAS), ("1.8L I4", GAS)), (T.AUTOMATIC, T.MANUAL), (D.FWD,),
              ("SE", "SEL", "Limited"), (4620, 1800, 1450), 1300, 5),
    ModelSpec("Hyundai", "Santa Fe", B.SUV, 7, (2010, 2023), 33000, ("KM8", "5NM"),
              (("2.4L I4", GAS), ("2.2L I4 turbo diesel", F.DIESEL), ("3.3L V6", GAS)),
              (T.AUTOMATIC,), (D.FWD, D.AWD), ("SE", "SEL", "Limited"),
              (4770, 1890, 1680), 1800, 4),
    ModelSpec("Hyundai", "Tucson", B.SUV, 5, (2010, 2024), 28000, ("KM8",),
              (("2.0L I4", GAS), ("2.4L I4", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("SE", "SEL", "Limited"), (4480, 1850, 1650), 1600, 4),
    ModelSpec("Kia", "Sorento", B.SUV, 7, (2011, 2023), 32000, ("5XY",),
              (("2.4L I4", GAS), ("3.3L V6", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("LX", "EX", "SX"), (4800, 1890, 1690), 1800, 4),
    ModelSpec("Kia", "Optima", B.SEDAN, 5, (2011, 2020), 24000, ("5XX", "KNA"),
              (("2.4L I4", GAS),), (T.AUTOMATIC,), (D.FWD,), ("LX", "EX", "SX"),
              (4855, 1860, 1465), 1450, 3),
    ModelSpec("Kia", "Sportage", B.SUV, 5, (2011, 2024), 27000, ("KND",),
              (("2.4L I4", GAS), ("2.0L I4", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("LX", "EX", "SX"), (4485, 1855, 1645), 1550, 3),
    ModelSpec("Nissan", "Altima", B.SEDAN, 5, (2008, 2023), 26000, ("1N4",),
              (("2.5L I4", GAS), ("3.5L V6", GAS)), (T.CVT,), (D.FWD, D.AWD),
              ("S", "SV", "SL"), (4900, 1850, 1445), 1450, 5),
    ModelSpec("Nissan", "Pathfinder", B.SUV, 7, (2008, 2023), 36000, ("5N1",),
              (("3.5L V6", GAS),), (T.CVT, T.AUTOMATIC), (D.FWD, D.FOUR_WD),
              ("S", "SV", "SL", "Platinum"), (5005, 1960, 1770), 2000, 4),
    ModelSpec("Nissan", "Rogue", B.SUV, 5, (2009, 2024), 29000, ("JN8", "5N1"),
              (("2.5L I4", GAS),), (T.CVT,), (D.FWD, D.AWD), ("S", "SV", "SL"),
              (4650, 1840, 1700), 1600, 4),
    ModelSpec("Nissan", "Frontier", B.PICKUP, 5, (2008, 2023), 30000, ("1N6",),
              (("2.5L I4", GAS), ("4.0L V6", GAS)), (T.AUTOMATIC, T.MANUAL),
              (D.RWD, D.FOUR_WD), ("S", "SV", "PRO-4X"), (5225, 1850, 1780), 1950, 3),
    ModelSpec("Ford", "F-150", B.PICKUP, 6, (2009, 2023), 45000, ("1FT",),
              (("5.0L V8", GAS), ("3.5L V6 turbo", GAS), ("3.0L V6 turbo diesel", F.DIESEL)),
              (T.AUTOMATIC,), (D.RWD, D.FOUR_WD), ("XL", "XLT", "Lariat"),
              (5890, 2030, 1960), 2200, 5),
    ModelSpec("Ford", "Explorer", B.SUV, 7, (2011, 2023), 38000, ("1FM",),
              (("3.5L V6", GAS), ("2.3L I4 turbo", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("Base", "XLT", "Limited"), (5050, 2005, 1775), 2000, 4),
    ModelSpec("Ford", "Escape", B.SUV, 5, (2009, 2023), 27000, ("1FM",),
              (("2.5L I4", GAS), ("1.5L I3 turbo", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("S", "SE", "Titanium"), (4585, 1880, 1680), 1600, 3),
    ModelSpec("Ford", "Ranger", B.PICKUP, 5, (2019, 2023), 32000, ("1FT",),
              (("2.3L I4 turbo", GAS),), (T.AUTOMATIC,), (D.RWD, D.FOUR_WD), ("XL", "XLT"),
              (5355, 1860, 1790), 1950, 2),
    ModelSpec("Mercedes-Benz", "C 300", B.SEDAN, 5, (2010, 2023), 45000, ("WDD", "55S"),
              (("2.0L I4 turbo", GAS), ("3.0L V6", GAS)), (T.AUTOMATIC,), (D.RWD, D.AWD),
              ("Base", "4MATIC"), (4690, 1810, 1440), 1600, 4),
    ModelSpec("Mercedes-Benz", "GLE 350", B.SUV, 5, (2012, 2023), 60000, ("4JG",),
              (("3.5L V6", GAS), ("2.1L I4 turbo diesel", F.DIESEL)), (T.AUTOMATIC,),
              (D.AWD,), ("4MATIC",), (4820, 1935, 1795), 2150, 3),
    ModelSpec("Mercedes-Benz", "Sprinter", B.VAN, 12, (2010, 2022), 48000, ("WD3", "8BR"),
              (("3.0L V6 turbo diesel", F.DIESEL), ("2.1L I4 turbo diesel", F.DIESEL)),
              (T.AUTOMATIC,), (D.RWD,), ("2500", "3500"), (5910, 1990, 2700), 2600, 2),
    ModelSpec("Chevrolet", "Equinox", B.SUV, 5, (2010, 2023), 28000, ("2GN", "3GN"),
              (("2.4L I4", GAS), ("1.5L I4 turbo", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("LS", "LT", "Premier"), (4650, 1845, 1690), 1650, 3),
    ModelSpec("Chevrolet", "Silverado", B.PICKUP, 6, (2009, 2023), 42000, ("1GC", "3GC"),
              (("5.3L V8", GAS), ("6.6L V8 turbo diesel", F.DIESEL)), (T.AUTOMATIC,),
              (D.RWD, D.FOUR_WD), ("WT", "LT", "LTZ"), (5885, 2060, 1915), 2250, 3),
    ModelSpec("Jeep", "Grand Cherokee", B.SUV, 5, (2011, 2023), 42000, ("1J4",),
              (("3.6L V6", GAS), ("3.0L V6 turbo diesel", F.DIESEL)), (T.AUTOMATIC,),
              (D.FOUR_WD,), ("Laredo", "Limited", "Overland"), (4830, 1945, 1800), 2100, 3),
    ModelSpec("Mitsubishi", "Outlander", B.SUV, 7, (2010, 2023), 28000, ("JA4",),
              (("2.4L I4", GAS),), (T.CVT,), (D.FWD, D.AWD), ("ES", "SE", "GT"),
              (4695, 1810, 1710), 1550, 2),
    ModelSpec("Volkswagen", "Jetta", B.SEDAN, 5, (2010, 2023), 22000, ("3VW",),
              (("1.4L I4 turbo", GAS), ("2.0L I4 turbo diesel", F.DIESEL)),
              (T.AUTOMATIC, T.MANUAL), (D.FWD,), ("S", "SE", "SEL"), (4700, 1800, 1460), 1350, 2),
    ModelSpec("Mazda", "CX-5", B.SUV, 5, (2013, 2024), 29000, ("JM3",),
              (("2.5L I4", GAS),), (T.AUTOMATIC,), (D.FWD, D.AWD), ("Sport", "Touring"),
              (4550, 1840, 1680), 1550, 2),
    ModelSpec("Subaru", "Forester", B.SUV, 5, (2009, 2023), 29000, ("JF2",),
              (("2.5L H4", GAS),), (T.CVT, T.MANUAL), (D.AWD,), ("Base", "Premium"),
              (4625, 1815, 1730), 1550, 2),
    ModelSpec("Toyota", "Yaris", B.HATCHBACK, 5, (2008, 2020), 17000, ("JTD", "VNK"),
              (("1.5L I4", GAS),), (T.AUTOMATIC, T.MANUAL), (D.FWD,), ("L", "LE"),
              (4145, 1695, 1510), 1050, 2),
    ModelSpec("Toyota", "Venza", B.WAGON, 5, (2009, 2015), 30000, ("4T3",),
              (("2.7L I4", GAS), ("3.5L V6", GAS)), (T.AUTOMATIC,), (D.FWD, D.AWD),
              ("LE", "XLE"), (4800, 1905, 1610), 1750, 2),
)

COLOURS = (
    ("white", 24), ("black", 18), ("silver", 16), ("grey", 14), ("blue", 8), ("red", 8),
    ("beige", 4), ("brown", 3), ("green", 3), ("gold", 2),
)
# fmt: on
