//! Organisation: roles, kinds of unit and the national agency codes that identify units.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a person does in the system. Roles are held per unit (see `RoleGrant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Công dân, tổ chức, doanh nghiệp.
    Citizen,
    /// Cán bộ một cửa (Bộ phận Tiếp nhận và Trả kết quả).
    CounterOfficer,
    /// Chuyên viên xử lý.
    Specialist,
    /// Lãnh đạo phòng / cơ quan.
    Leader,
    /// Cơ quan thường trực cải cách hành chính.
    ReformOffice,
    /// Quản trị hệ thống.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Citizen,
        Role::CounterOfficer,
        Role::Specialist,
        Role::Leader,
        Role::ReformOffice,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::CounterOfficer => "counter_officer",
            Role::Specialist => "specialist",
            Role::Leader => "leader",
            Role::ReformOffice => "reform_office",
            Role::Administrator => "administrator",
        }
    }

    /// The Vietnamese name shown in the UI.
    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Citizen => "Công dân",
            Role::CounterOfficer => "Cán bộ một cửa",
            Role::Specialist => "Chuyên viên xử lý",
            Role::Leader => "Lãnh đạo",
            Role::ReformOffice => "Cơ quan thường trực CCHC",
            Role::Administrator => "Quản trị hệ thống",
        }
    }

    /// Whether a grant of this role at a unit also covers the unit's sub-units by default.
    /// Leaders, the reform office and administrators oversee a subtree; officers work at one unit.
    pub fn covers_subunits_by_default(self) -> bool {
        matches!(
            self,
            Role::Leader | Role::ReformOffice | Role::Administrator
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown role `{s}`; expected one of: {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })
    }
}

/// Level of a unit in the administrative tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// UBND tỉnh / thành phố trực thuộc trung ương.
    Province,
    /// Sở, ban, ngành.
    Department,
    /// Phòng thuộc sở hoặc thuộc UBND.
    Office,
    /// Huyện (abolished on 2025-07-01, kept for historical data).
    District,
    /// Xã, phường, đặc khu.
    Commune,
    /// One-stop centre (Trung tâm phục vụ hành chính công).
    ServiceCentre,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Province,
        UnitKind::Department,
        UnitKind::Office,
        UnitKind::District,
        UnitKind::Commune,
        UnitKind::ServiceCentre,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::Office => "office",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::ServiceCentre => "service_centre",
        }
    }
}

impl FromStr for UnitKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown unit kind `{s}`"))
    }
}

/// A unit's code from the national list of agency codes (QCVN 102:2016/BTTTT), e.g. `000.00.01.H26`
/// or `000.00.12.H26`: four dot-separated groups, the last one a letter and two digits for the
/// province. Codes are what file codes and imports refer to, so they are validated strictly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Result<UnitCode, String> {
        let raw = raw.trim();
        let groups: Vec<&str> = raw.split('.').collect();
        let digits = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
        // Lower levels may use letters (e.g. `G22` for a group of agencies), never lower case.
        let alnum = |g: &str, n: usize| {
            g.len() == n
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        };
        let ok = groups.len() == 4
            && alnum(groups[0], 3)
            && alnum(groups[1], 2)
            && alnum(groups[2], 2)
            && groups[3].len() == 3
            && groups[3].as_bytes()[0].is_ascii_uppercase()
            && digits(&groups[3][1..], 2);
        if ok {
            Ok(UnitCode(raw.to_owned()))
        } else {
            Err(format!(
                "`{}` is not an agency code of the form 000.00.00.A00 (QCVN 102)",
                raw.chars().take(40).collect::<String>()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&value)
    }
}

impl From<UnitCode> for String {
    fn from(value: UnitCode) -> Self {
        value.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_codes_follow_qcvn_102() {
        assert!(UnitCode::parse("000.00.01.H26").is_ok());
        assert!(UnitCode::parse("G22.12.03.H48").is_ok());
        assert!(UnitCode::parse("000.00.1.H26").is_err());
        assert!(UnitCode::parse("000.00.01").is_err());
        assert!(UnitCode::parse("000.00.01.h26").is_err());
        assert!(UnitCode::parse("000.00.01.H26'; DROP TABLE units;--").is_err());
        assert!(UnitCode::parse("").is_err());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
