from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_005(MlmarketCheck):
    rule_id = "CKV_MLM_005"


check = CKV_MLM_005()
