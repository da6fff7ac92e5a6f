//! The edit form of one order. Status and carrier are chosen from pick lists, so no typo can
//! reach a store; another carrier is named explicitly ("other…", SPEC §3's `other:NAME`, checked
//! by the same rule as `order … set`); tracking and 出荷日 are typed, the check-digit warning
//! shows as the operator types, and `t` in 出荷日 puts today. The form remembers what it read,
//! so it knows when it holds unsaved changes, and saves only the fields that changed.

use chrono::NaiveDate;
use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::config::Language;
use crate::db::OrderEdit;
use crate::domain::time::parse_date;
use crate::domain::tracking;
use crate::domain::{Carrier, Order, OrderStatus, Tracking};
use crate::text::{self, Phrase, Say};

/// One line of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    Carrier,
    /// The name of another carrier; shown only when "other…" is chosen.
    OtherName,
    Tracking,
    ShippedOn,
}

/// The carrier pick list: none, the five known carriers, or another by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarrierChoice {
    None,
    Known(usize),
    Other,
}

impl CarrierChoice {
    const COUNT: usize = Carrier::KNOWN.len() + 2;

    fn index(self) -> usize {
        match self {
            CarrierChoice::None => 0,
            CarrierChoice::Known(i) => i + 1,
            CarrierChoice::Other => Self::COUNT - 1,
        }
    }

    fn at(index: usize) -> CarrierChoice {
        match index % Self::COUNT {
            0 => CarrierChoice::None,
            i if i == Self::COUNT - 1 => CarrierChoice::Other,
            i => CarrierChoice::Known(i - 1),
        }
    }

    /// The words of this choice in the operator's language.
    pub fn label(self, lang: Language) -> String {
        match (self, lang) {
            (CarrierChoice::None, _) => Phrase::NoCarrier.get(lang).into(),
            (CarrierChoice::Known(i), _) => text::carrier(&Carrier::KNOWN[i], lang).to_owned(),
            (CarrierChoice::Other, _) => Phrase::OtherCarrierChoice.get(lang).into(),
        }
    }
}

/// What the form holds, comparable with what it read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Values {
    status: OrderStatus,
    carrier: CarrierChoice,
    other_name: String,
    tracking: String,
    shipped_on: String,
}

#[derive(Debug, Clone)]
pub struct EditForm {
    pub order_id: i64,
    pub number: String,
    pub status: OrderStatus,
    pub carrier: CarrierChoice,
    pub other_name: Input,
    pub tracking: Input,
    pub shipped_on: Input,
    pub focus: Field,
    pub error: Option<String>,
    read: Values,
}

impl EditForm {
    /// The form filled with the order as read.
    pub fn open(order_id: i64, order: &Order) -> EditForm {
        let (carrier, other_name) = match &order.carrier {
            None => (CarrierChoice::None, String::new()),
            Some(Carrier::Other(name)) => (CarrierChoice::Other, name.clone()),
            Some(known) => (
                Carrier::KNOWN
                    .iter()
                    .position(|k| k == known)
                    .map_or(CarrierChoice::None, CarrierChoice::Known),
                String::new(),
            ),
        };
        let read = Values {
            status: order.status,
            carrier,
            other_name,
            tracking: order.tracking.to_text(),
            shipped_on: order.shipped_on.map(|d| d.to_string()).unwrap_or_default(),
        };
        EditForm {
            order_id,
            number: order.number.clone(),
            status: read.status,
            carrier: read.carrier,
            other_name: Input::default().with_value(read.other_name.clone()),
            tracking: Input::default().with_value(read.tracking.clone()),
            shipped_on: Input::default().with_value(read.shipped_on.clone()),
            focus: Field::Tracking,
            error: None,
            read,
        }
    }

    fn values(&self) -> Values {
        Values {
            status: self.status,
            carrier: self.carrier,
            other_name: self.other_name.value().to_owned(),
            tracking: self.tracking.value().to_owned(),
            shipped_on: self.shipped_on.value().to_owned(),
        }
    }

    /// The form holds something the operator typed or chose and has not saved.
    pub fn is_dirty(&self) -> bool {
        self.values() != self.read
    }

    /// The lines shown, in order.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields = vec![Field::Status, Field::Carrier];
        if self.carrier == CarrierChoice::Other {
            fields.push(Field::OtherName);
        }
        fields.extend([Field::Tracking, Field::ShippedOn]);
        fields
    }

    fn move_focus(&mut self, forward: bool) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = fields.len();
        self.focus = fields[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }];
    }

    /// The focused text input, if the focus is on one.
    pub fn input(&self, field: Field) -> Option<&Input> {
        match field {
            Field::OtherName => Some(&self.other_name),
            Field::Tracking => Some(&self.tracking),
            Field::ShippedOn => Some(&self.shipped_on),
            Field::Status | Field::Carrier => None,
        }
    }

    /// A key the form handles itself (moving, choosing, typing). `today` is the shop's date.
    pub fn key(&mut self, key: KeyEvent, today: NaiveDate) {
        match key.code {
            KeyCode::Tab | KeyCode::Down => return self.move_focus(true),
            KeyCode::BackTab | KeyCode::Up => return self.move_focus(false),
            _ => {}
        }
        let step = match key.code {
            KeyCode::Right | KeyCode::Char(' ' | 'l') => Some(1),
            KeyCode::Left | KeyCode::Char('h') => Some(-1),
            _ => None,
        };
        match (self.focus, step) {
            (Field::Status, Some(step)) => {
                let all = OrderStatus::ALL;
                let at = all.iter().position(|s| *s == self.status).unwrap_or(0);
                self.status = all[(at as isize + step).rem_euclid(all.len() as isize) as usize];
            }
            (Field::Carrier, Some(step)) => {
                let count = CarrierChoice::COUNT as isize;
                let next = (self.carrier.index() as isize + step).rem_euclid(count);
                self.carrier = CarrierChoice::at(next as usize);
            }
            (Field::Status | Field::Carrier, None) => {}
            // A date holds no `t`: there it means today.
            (Field::ShippedOn, _) if key.code == KeyCode::Char('t') => {
                self.shipped_on = Input::default().with_value(today.to_string());
            }
            (field, _) => {
                let input = match field {
                    Field::OtherName => &mut self.other_name,
                    Field::Tracking => &mut self.tracking,
                    _ => &mut self.shipped_on,
                };
                input.handle_event(&Event::Key(key));
            }
        }
        self.error = None;
    }

    /// The carrier chosen, checked by the rule of SPEC §3 (the same as `order … set`).
    fn chosen_carrier(&self) -> Result<Option<Carrier>, String> {
        match self.carrier {
            CarrierChoice::None => Ok(None),
            CarrierChoice::Known(i) => Ok(Some(Carrier::KNOWN[i].clone())),
            CarrierChoice::Other => {
                Carrier::parse_input(&format!("other:{}", self.other_name.value()))
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Check-digit and format warnings of the tracking as typed (saving is still allowed).
    pub fn warnings(&self) -> Vec<String> {
        let carrier = self.chosen_carrier().ok().flatten();
        tracking::validate(&Tracking::parse(self.tracking.value()), carrier.as_ref())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// The edit: only the fields that differ from `order` as read. A bad value names its field
    /// and nothing is saved.
    pub fn edit(&self, order: &Order, lang: Language) -> Result<OrderEdit, String> {
        let field_error = |field: Phrase, why: &str| {
            Say::FieldError {
                field: field.get(lang),
                why,
            }
            .get(lang)
        };
        let mut edit = OrderEdit::default();
        if self.status != order.status {
            edit.status = Some(self.status);
        }
        let carrier = self
            .chosen_carrier()
            .map_err(|e| field_error(Phrase::Carrier, &e))?;
        if carrier != order.carrier {
            edit.carrier = Some(carrier);
        }
        // A line break separates numbers here, as `;` does; anything else unsafe is refused.
        let typed = self.tracking.value().replace('\n', ";");
        let tracking = Tracking::parse_input(&typed).map_err(|e| {
            let why = match e {
                crate::domain::input::InputError::Unsafe(_) => {
                    Phrase::ControlCharacters.get(lang).to_owned()
                }
                crate::domain::input::InputError::Invisible(_) => {
                    Phrase::InvisibleCharacter.get(lang).to_owned()
                }
                crate::domain::input::InputError::TooLong(_, max) => Say::TooLong(max).get(lang),
                crate::domain::input::InputError::TooMany(_, max) => {
                    Say::TooManyNumbers(max).get(lang)
                }
            };
            field_error(Phrase::Tracking, &why)
        })?;
        if tracking != order.tracking {
            edit.tracking = Some(tracking);
        }
        let shipped = self.shipped_on.value().trim();
        let shipped = if shipped.is_empty() {
            None
        } else {
            Some(parse_date(shipped).map_err(|m| field_error(Phrase::ShippedOn, &m))?)
        };
        if shipped != order.shipped_on {
            edit.shipped_on = Some(shipped);
        }
        Ok(edit)
    }
}
